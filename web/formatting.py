"""Template filters: German dates and numbers for people reading the pages."""

from __future__ import annotations

from datetime import datetime

from flask import Flask

from web.i18n import MONTHS_EN, current_language

MONTHS = ("Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August",
          "September", "Oktober", "November", "Dezember")


def german_date(value: str | None, with_time: bool = False) -> str:
    """'2024-11-01T15:53:00+01:00' → '1. November 2024' (', 15:53 Uhr');
    in the English interface '1 November 2024, 15:53'."""
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    english = current_language() == "en"
    months = MONTHS_EN if english else MONTHS
    text = f"{moment.day}{'' if english else '.'} {months[moment.month - 1]} {moment.year}"
    if with_time and (moment.hour or moment.minute):
        text += f", {moment:%H:%M}" + ("" if english else " Uhr")
    return text


def german_number(value: int | float) -> str:
    """1234567 → '1.234.567'."""
    return f"{value:,}".replace(",", ".")


def month_label(value: str) -> str:
    """'2024-11' → 'November 2024' (English month names in English)."""
    try:
        year, month = value.split("-")
        months = MONTHS_EN if current_language() == "en" else MONTHS
        return f"{months[int(month) - 1]} {year}"
    except (ValueError, IndexError):
        return value


def register(app: Flask) -> None:
    app.add_template_filter(german_date, "german_date")
    app.add_template_filter(german_number, "german_number")
    app.add_template_filter(month_label, "month_label")
