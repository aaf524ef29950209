"""The directorate's multi-year view of every project's indicators, with the portfolio summary."""

from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template, request
from flask_login import login_required

from app import policy
from app.auth.api import Region
from app.directorate import exports, portfolio, results
from app.directorate.results_forms import UNIT_NAMES

bp = Blueprint("portfolio", __name__, template_folder="templates")


@bp.get("/directorate/indicators")
@login_required
def indicators_by_year():
    policy.authorize("directorate.view")
    region = request.args.get("region") or None
    filters = portfolio.Filters(
        region=Region(region) if region in {r.value for r in Region} else None,
        partner=(request.args.get("partner") or "").strip()[:300] or None,
        pmm_dimension=(request.args.get("pmm") or "").strip()[:200] or None,
    )
    built = portfolio.build(filters, date.today())
    if request.args.get("format"):
        return exports.download([portfolio.table(built)], None, request.args["format"], "indicators-by-year")
    return render_template(
        "directorate/portfolio.html",
        portfolio=built,
        filters=filters,
        regions=list(Region),
        partners=portfolio.partners(),
        dimensions=portfolio.pmm_dimensions(),
        light_labels=results.STATUSES,
        summary=portfolio.SUMMARY,
        unit_names=UNIT_NAMES,
        query=request.query_string.decode(),
    )
