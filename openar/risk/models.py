"""Risk scores: one row per customer and scoring date, kept as history (the customer page trend).

``score`` runs 0-1000 where **higher means safer** (as a credit score does); ``risk_class`` A is the
safest class, E the riskiest. Reasons are stored as data (code + parameters) and rendered in the
reader's language.
"""

from __future__ import annotations

from django.db import models

from openar.core.fields import AmountField
from openar.risk.choices import Engine, EnginePolicy, ModelStatus, RiskClass


class CustomerScore(models.Model):
    customer = models.ForeignKey(
        "ledger.Customer", on_delete=models.CASCADE, related_name="risk_scores"
    )
    as_of = models.DateField()
    score = models.PositiveSmallIntegerField()
    risk_class = models.CharField(max_length=1, choices=RiskClass.choices)
    engine = models.CharField(max_length=20, choices=Engine.choices)
    model_version = models.CharField(max_length=40, blank=True)
    # [{"code": "late_trend", "params": {...}, "weight": 12.5}, ...], most important first.
    reasons = models.JSONField(default=list)
    currency = models.CharField(max_length=3)
    expected_7d_amount = AmountField(default=0)
    expected_30d_amount = AmountField(default=0)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["customer", "as_of"], name="risk_score_customer_date"),
            models.CheckConstraint(
                condition=models.Q(score__lte=1000), name="risk_score_at_most_1000"
            ),
        ]
        indexes = [models.Index(fields=["as_of", "risk_class"], name="risk_score_date_class")]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.as_of} {self.score} {self.risk_class}"


class RiskSettings(models.Model):
    """The one row of scoring settings a manager edits on the Risk page (id is always 1)."""

    # Lowest score of classes A, B, C and D (E is everything below the last cut-off).
    class_cutoffs = models.JSONField(default=list)
    late_days = models.PositiveSmallIntegerField(default=30)  # "paid late" means beyond this
    late_probability_threshold = models.FloatField(default=0.5)  # flag an item at this P(late)
    min_history = models.PositiveSmallIntegerField(default=3)  # paid invoices the model needs
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name_plural = "risk settings"

    def __str__(self) -> str:
        return f"cut-offs {self.class_cutoffs}, late > {self.late_days} days"


class EntityEngine(models.Model):
    """Which engine scores an entity's customers (entities without a row use ``auto``)."""

    entity = models.OneToOneField(
        "ledger.Entity", on_delete=models.CASCADE, related_name="risk_engine"
    )
    engine = models.CharField(max_length=20, choices=EnginePolicy.choices, default="auto")

    def __str__(self) -> str:
        return f"{self.entity_id} {self.engine}"


class Scorecard(models.Model):
    """A points table: base points plus the points of each band a customer's feature falls in."""

    code = models.CharField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    base_points = models.IntegerField(default=600)
    active = models.BooleanField(default=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.code


class ScorecardBand(models.Model):
    """``low <= value < high`` (either bound open when empty) earns ``points``; ``missing`` bands
    match customers for whom the feature is unknown (no history, no credit limit...)."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.CASCADE, related_name="bands")
    feature = models.CharField(max_length=40)
    low = models.FloatField(null=True, blank=True)
    high = models.FloatField(null=True, blank=True)
    missing = models.BooleanField(default=False)
    points = models.IntegerField()
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["feature", "order", "id"]

    def __str__(self) -> str:
        return f"{self.feature} [{self.low}, {self.high}) {self.points:+d}"


class RiskModel(models.Model):
    """A trained model file under var/risk/models/, one version per training run and scope."""

    scope = models.CharField(max_length=20)  # an entity code, or "all"
    version = models.PositiveIntegerField()
    format_version = models.PositiveSmallIntegerField()
    path = models.CharField(max_length=500)
    status = models.CharField(max_length=10, choices=ModelStatus.choices)
    trained_as_of = models.DateField()
    n_train = models.PositiveIntegerField(default=0)
    metrics = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["scope", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["scope", "version"], name="risk_model_scope_version")
        ]

    def __str__(self) -> str:
        return f"{self.scope} v{self.version} {self.status}"

    @property
    def label(self) -> str:
        return f"{self.scope}-v{self.version}"


class ItemPrediction(models.Model):
    """The latest prediction for an open item (replaced by each refresh)."""

    document = models.OneToOneField(
        "ledger.Document", on_delete=models.CASCADE, primary_key=True, related_name="prediction"
    )
    customer = models.ForeignKey(
        "ledger.Customer", on_delete=models.CASCADE, related_name="+", db_index=False
    )
    as_of = models.DateField()
    predicted_days_late = models.IntegerField()
    predicted_pay_date = models.DateField()
    late_probability = models.FloatField()
    engine = models.CharField(max_length=20, choices=Engine.choices)

    class Meta:
        indexes = [models.Index(fields=["customer"], name="risk_itempred_customer")]

    def __str__(self) -> str:
        return f"{self.document_id} {self.predicted_pay_date} p={self.late_probability:.2f}"


class CreditRating(models.Model):
    """A bureau or credit-insurer rating of a customer on a date (``score`` is it on 0-100)."""

    customer = models.ForeignKey(
        "ledger.Customer", on_delete=models.CASCADE, related_name="credit_ratings"
    )
    provider = models.CharField(max_length=60)
    rating = models.CharField(max_length=20)
    score = models.PositiveSmallIntegerField()  # 0 worst .. 100 best, normalised from rating
    limit_amount = AmountField(null=True, blank=True)
    currency = models.CharField(max_length=3, blank=True)
    rated_on = models.DateField()
    source = models.CharField(max_length=20, default="import")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-rated_on", "provider"]
        constraints = [
            models.UniqueConstraint(
                fields=["customer", "provider", "rated_on"], name="risk_rating_unique_day"
            )
        ]

    def __str__(self) -> str:
        return f"{self.customer_id} {self.provider} {self.rating} {self.rated_on}"


class Backtest(models.Model):
    """One ``openar score evaluate`` run: train until one date, test on invoices issued after."""

    train_until = models.DateField()
    test_until = models.DateField()
    scope = models.CharField(max_length=20, default="all")
    engine = models.CharField(max_length=20, choices=Engine.choices)
    n_train = models.PositiveIntegerField()
    n_test = models.PositiveIntegerField()
    mae_days = models.FloatField(null=True)
    auc = models.FloatField(null=True)
    precision = models.FloatField(null=True)
    recall = models.FloatField(null=True)
    baseline_terms_mae = models.FloatField(null=True)
    baseline_customer_mae = models.FloatField(null=True)
    details = models.JSONField(default=dict, blank=True)
    actor = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.train_until}..{self.test_until} mae={self.mae_days}"
