from django.urls import path

from openar.credit import views, views_reviews, views_writeoffs

app_name = "credit"
urlpatterns = [
    path("", views.recommendation_list_view, name="recommendations"),
    path("recommendations/<int:pk>/decide/", views.recommendation_decide_view, name="decide"),
    path("recommendations/decide/", views.recommendations_bulk_view, name="decide_bulk"),
    path("customers/<str:customer_ref>/hold/", views.hold_place_view, name="hold_place"),
    path("customers/<str:customer_ref>/limit/", views.limit_set_view, name="limit_set"),
    path("reviews/", views_reviews.review_list_view, name="reviews"),
    path("reviews/<int:pk>/", views_reviews.review_detail_view, name="review"),
    path("reviews/<int:pk>/decide/", views_reviews.review_decide_view, name="review_decide"),
    path(
        "customers/<str:customer_ref>/review/",
        views_reviews.review_request_view,
        name="review_request",
    ),
    path("write-offs/", views_writeoffs.write_off_list_view, name="write_offs"),
    path(
        "write-offs/<int:pk>/decide/",
        views_writeoffs.write_off_decide_view,
        name="write_off_decide",
    ),
    path(
        "customers/<str:customer_ref>/write-off/",
        views_writeoffs.write_off_request_view,
        name="write_off_request",
    ),
    path("reserve/", views_writeoffs.reserve_view, name="reserve"),
    path("holds/<int:pk>/release/", views.hold_release_view, name="hold_release"),
]
