"""Reads of reporting: KPIs, snapshot trends and the dashboards' figures."""
