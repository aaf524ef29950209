"""Generate the synthetic Customs declarations dataset used by the data specialists' courses.

Usage:
    python generate_declarations.py [OUTPUT.csv] [--truth TRUTH.csv]

OUTPUT defaults to ``declarations.csv`` beside this script. The generator uses only the
Python standard library and a fixed seed, so two runs give byte-identical files.
``--truth`` also writes the hidden ground truth (what really happened on every line,
including the irregularities that no inspection found), for trainers only.

Everything in the file is invented: importers, declarants, offices, tariff rates and the
preferential agreement. The HS subheadings and ISO country codes are real, but the trade
flows between them are random and say nothing about any real country or trader.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
from pathlib import Path

SEED = 20230626
N_DECLARATIONS = 12_000
N_IMPORTERS = 900
N_DECLARANTS = 60
START = dt.date(2022, 1, 1)
END = dt.date(2024, 12, 31)

# Offices of the fictional administration: code -> (mode, share of traffic)
OFFICES = {
    "SEA01": ("sea", 0.45),
    "SEA02": ("sea", 0.15),
    "AIR01": ("air", 0.15),
    "RD01": ("road", 0.15),
    "RD02": ("road", 0.10),
}
# How each kind of goods travels: mode -> weight
TRANSPORT = {
    "bulk": {"sea": 1.0},
    "perishable": {"sea": 0.7, "road": 0.3},
    "light": {"air": 0.6, "sea": 0.3, "road": 0.1},
    "general": {"sea": 0.65, "road": 0.35},
    "vehicle": {"sea": 0.8, "road": 0.2},
}

# Preferential partners of a FICTIONAL agreement: goods originating there pay 0 %.
PREFERENCE_PARTNERS = ("MA", "ZA")

# hs_code: (description, unit, median unit value USD, kg per unit, median quantity,
#           duty rate %, frequency weight, transport, origins with weights)
HS = {
    "090111": (
        "Coffee, not roasted, not decaffeinated",
        "kg",
        4.0,
        1,
        15000,
        10,
        3,
        "bulk",
        {"BR": 4, "CO": 2, "ET": 2, "VN": 3, "KE": 1},
    ),
    "090121": (
        "Coffee, roasted, not decaffeinated",
        "kg",
        12.0,
        1,
        1500,
        25,
        2,
        "general",
        {"BR": 2, "IT": 3, "CO": 1, "DE": 1},
    ),
    "090230": (
        "Black tea, in packings of 3 kg or less",
        "kg",
        6.0,
        1,
        2000,
        20,
        2,
        "general",
        {"KE": 4, "IN": 3, "LK": 3, "CN": 1},
    ),
    "100630": (
        "Rice, semi-milled or wholly milled",
        "kg",
        0.55,
        1,
        50000,
        10,
        4,
        "bulk",
        {"TH": 4, "VN": 3, "IN": 4, "PK": 2},
    ),
    "100199": (
        "Wheat and meslin (not durum), other than seed",
        "kg",
        0.30,
        1,
        250000,
        5,
        2,
        "bulk",
        {"FR": 3, "US": 2, "CA": 2, "AU": 2, "AR": 1},
    ),
    "170114": ("Raw cane sugar, other", "kg", 0.45, 1, 60000, 5, 2, "bulk", {"BR": 5, "TH": 2, "IN": 2, "ZA": 1}),
    "170199": (
        "Cane or beet sugar, refined, other",
        "kg",
        0.65,
        1,
        30000,
        25,
        2,
        "bulk",
        {"BR": 3, "TH": 2, "IN": 2, "FR": 1},
    ),
    "080390": (
        "Bananas, fresh or dried (not plantains)",
        "kg",
        0.9,
        1,
        18000,
        15,
        2,
        "perishable",
        {"EC": 4, "CO": 2, "PH": 2, "CR": 2},
    ),
    "080510": (
        "Oranges, fresh or dried",
        "kg",
        1.0,
        1,
        18000,
        15,
        2,
        "perishable",
        {"ZA": 2, "EG": 3, "ES": 2, "MA": 2},
    ),
    "020714": (
        "Cuts and offal of fowls (Gallus domesticus), frozen",
        "kg",
        2.2,
        1,
        24000,
        35,
        3,
        "bulk",
        {"BR": 5, "US": 2, "NL": 1},
    ),
    "040221": (
        "Milk in powder, fat over 1.5 %, unsweetened",
        "kg",
        4.0,
        1,
        20000,
        10,
        2,
        "bulk",
        {"NZ": 4, "NL": 2, "FR": 2, "IE": 1},
    ),
    "151110": ("Palm oil, crude", "kg", 0.9, 1, 40000, 5, 2, "bulk", {"ID": 5, "MY": 4}),
    "151190": ("Palm oil and its fractions, other than crude", "kg", 1.1, 1, 20000, 20, 2, "bulk", {"ID": 4, "MY": 4}),
    "190590": (
        "Bread, pastry, cakes, biscuits, other",
        "kg",
        4.0,
        1,
        3000,
        25,
        2,
        "general",
        {"BE": 2, "FR": 2, "TR": 2, "GB": 1, "MA": 1},
    ),
    "220300": (
        "Beer made from malt",
        "l",
        1.5,
        1.0,
        20000,
        30,
        2,
        "general",
        {"NL": 3, "DE": 2, "MX": 2, "BE": 2, "ZA": 1},
    ),
    "220421": (
        "Wine in containers of 2 litres or less",
        "l",
        5.0,
        1.0,
        5000,
        30,
        2,
        "general",
        {"FR": 3, "IT": 3, "ES": 2, "ZA": 2, "CL": 2},
    ),
    "220830": ("Whiskies", "l", 14.0, 0.95, 2000, 35, 2, "general", {"GB": 5, "US": 2, "IE": 1}),
    "240220": (
        "Cigarettes containing tobacco",
        "1000u",
        25.0,
        1.0,
        500,
        40,
        1,
        "general",
        {"AE": 2, "DE": 1, "CH": 1, "ZA": 1},
    ),
    "271012": (
        "Light petroleum oils and preparations",
        "kg",
        0.8,
        1,
        800000,
        5,
        2,
        "bulk",
        {"AE": 3, "SA": 2, "IN": 2, "NL": 2, "NG": 1},
    ),
    "300490": (
        "Medicaments in measured doses, other",
        "kg",
        40.0,
        1,
        800,
        0,
        4,
        "light",
        {"IN": 4, "DE": 2, "FR": 2, "CH": 2, "US": 1},
    ),
    "330499": (
        "Beauty or make-up preparations, other",
        "kg",
        20.0,
        1,
        600,
        20,
        2,
        "light",
        {"FR": 3, "KR": 3, "US": 1, "CN": 2},
    ),
    "340111": ("Soap for toilet use", "kg", 2.0, 1, 5000, 20, 2, "general", {"ID": 2, "TR": 2, "GB": 1, "MY": 2}),
    "392321": (
        "Sacks and bags of polymers of ethylene",
        "kg",
        2.2,
        1,
        5000,
        20,
        2,
        "general",
        {"CN": 4, "TR": 2, "MY": 2},
    ),
    "401110": (
        "New pneumatic tyres for motor cars",
        "u",
        45.0,
        9.0,
        800,
        15,
        3,
        "general",
        {"CN": 4, "TH": 3, "JP": 1, "KR": 2, "IN": 2, "ZA": 1},
    ),
    "481810": ("Toilet paper", "kg", 1.6, 1, 8000, 20, 2, "general", {"TR": 3, "ID": 2, "ZA": 1}),
    "610910": (
        "T-shirts and singlets, knitted, of cotton",
        "u",
        2.5,
        0.18,
        5000,
        30,
        4,
        "general",
        {"BD": 4, "CN": 3, "VN": 2, "TR": 2, "IN": 2, "MA": 1},
    ),
    "620342": (
        "Men's trousers and shorts, of cotton",
        "u",
        7.0,
        0.6,
        3000,
        30,
        3,
        "general",
        {"BD": 3, "CN": 3, "PK": 2, "VN": 2, "MA": 1},
    ),
    "640411": (
        "Sports footwear, textile uppers",
        "2u",
        9.0,
        0.9,
        2000,
        30,
        3,
        "general",
        {"CN": 4, "VN": 4, "ID": 2, "IN": 1, "ZA": 1},
    ),
    "640299": (
        "Other footwear, rubber or plastics",
        "2u",
        3.0,
        0.5,
        4000,
        30,
        2,
        "general",
        {"CN": 5, "VN": 2, "IN": 1},
    ),
    "721420": (
        "Bars and rods of iron or non-alloy steel, with deformations",
        "kg",
        0.65,
        1,
        100000,
        10,
        2,
        "bulk",
        {"TR": 4, "CN": 2, "IN": 2, "ZA": 1},
    ),
    "841510": (
        "Air conditioners, window, wall, ceiling or floor types",
        "u",
        220.0,
        35.0,
        200,
        20,
        2,
        "general",
        {"CN": 5, "TH": 2, "MY": 2},
    ),
    "841810": (
        "Combined refrigerator-freezers",
        "u",
        280.0,
        60.0,
        100,
        20,
        2,
        "general",
        {"CN": 3, "TR": 2, "KR": 2, "TH": 2},
    ),
    "847130": (
        "Portable automatic data processing machines",
        "u",
        350.0,
        2.0,
        300,
        0,
        3,
        "light",
        {"CN": 5, "VN": 2, "MY": 1},
    ),
    "851713": ("Smartphones", "u", 180.0, 0.2, 1000, 5, 4, "light", {"CN": 4, "VN": 3, "IN": 2, "KR": 1}),
    "852852": (
        "Monitors for automatic data processing machines",
        "u",
        120.0,
        4.5,
        300,
        0,
        2,
        "general",
        {"CN": 4, "KR": 2, "VN": 1},
    ),
    "852872": (
        "Television receivers, colour",
        "u",
        220.0,
        9.0,
        200,
        20,
        3,
        "general",
        {"CN": 3, "KR": 2, "MY": 2, "MX": 1},
    ),
    "850760": ("Lithium-ion accumulators", "kg", 12.0, 1, 2000, 5, 2, "general", {"CN": 5, "KR": 2, "JP": 1}),
    "854143": (
        "Photovoltaic cells assembled in modules or panels",
        "u",
        110.0,
        22.0,
        300,
        0,
        2,
        "general",
        {"CN": 5, "VN": 2, "MY": 2},
    ),
    "854449": (
        "Electric conductors, 1 000 V or less, other",
        "kg",
        6.0,
        1,
        3000,
        10,
        2,
        "general",
        {"CN": 3, "TR": 2, "IN": 2, "ZA": 1},
    ),
    "870322": (
        "Motor cars, spark-ignition, 1 000-1 500 cc",
        "u",
        9000.0,
        1100.0,
        6,
        25,
        2,
        "vehicle",
        {"JP": 3, "KR": 2, "IN": 2, "ZA": 1},
    ),
    "870323": (
        "Motor cars, spark-ignition, 1 500-3 000 cc",
        "u",
        14000.0,
        1400.0,
        5,
        30,
        3,
        "vehicle",
        {"JP": 4, "DE": 2, "KR": 2, "US": 1, "ZA": 1},
    ),
    "870380": (
        "Motor cars with only an electric motor",
        "u",
        22000.0,
        1700.0,
        3,
        10,
        1,
        "vehicle",
        {"CN": 3, "DE": 2, "US": 1, "KR": 1},
    ),
    "870899": (
        "Parts and accessories of motor vehicles, other",
        "kg",
        8.0,
        1,
        1500,
        10,
        3,
        "general",
        {"CN": 3, "DE": 2, "JP": 2, "IN": 2, "ZA": 1},
    ),
    "871120": ("Motorcycles, 50-250 cc", "u", 700.0, 110.0, 40, 25, 2, "vehicle", {"IN": 4, "CN": 3, "JP": 1, "TH": 2}),
    "871410": (
        "Parts and accessories of motorcycles",
        "kg",
        5.0,
        1,
        1000,
        10,
        2,
        "general",
        {"IN": 3, "CN": 3, "TH": 1},
    ),
    "940360": (
        "Wooden furniture, other",
        "kg",
        3.0,
        1,
        3000,
        25,
        3,
        "general",
        {"CN": 3, "VN": 2, "MY": 2, "IT": 1, "TR": 1, "ZA": 1},
    ),
    "950300": ("Toys", "kg", 5.0, 1, 2000, 20, 2, "general", {"CN": 6, "VN": 1}),
}

# Misclassification: goods of the first code declared under the second (lower-duty) code.
MISCLASSIFICATION = {
    "090121": "090111",  # roasted coffee declared as green coffee
    "170199": "170114",  # refined sugar declared as raw cane sugar
    "151190": "151110",  # refined palm oil declared as crude
    "852872": "852852",  # television sets declared as computer monitors
    "871120": "871410",  # complete motorcycles declared as motorcycle parts
}
# Goods whose origin some importers switch to a preferential partner.
ORIGIN_TARGETS = ("401110", "610910", "620342", "640411", "721420", "854449", "940360", "870899")
ORIGIN_SWITCH_FROM = dt.date(2023, 4, 1)
# Subheadings covered by the administration's (fictional) valuation reference database.
VALUATION_DB = (
    "020714",
    "090230",
    "190590",
    "220421",
    "220830",
    "240220",
    "330499",
    "610910",
    "620342",
    "640411",
    "640299",
    "940360",
)
HIGH_DUTY_WATCH = ("240220", "220830", "870323", "020714")
PREFERENCE_WATCH = ORIGIN_TARGETS

# Probability that a control finds an irregularity that is really there.
DETECTION = {
    "red": {"undervaluation": 0.75, "misclassification": 0.90, "origin": 0.45, "quantity": 0.85},
    "yellow": {"undervaluation": 0.55, "misclassification": 0.35, "origin": 0.35, "quantity": 0.10},
}
RANDOM_SELECTION_RATE = 0.04

COLUMNS = [
    "declaration_id",
    "line_no",
    "date",
    "office",
    "mode",
    "importer_id",
    "declarant_id",
    "hs_code",
    "origin",
    "preference",
    "quantity",
    "supp_unit",
    "net_weight_kg",
    "customs_value",
    "duty_rate",
    "duties_paid",
    "channel",
    "selection",
    "inspected",
    "inspection_result",
    "irregularity_type",
    "additional_duties",
]


def money(x: float) -> str:
    return f"{x:.2f}"


def qty_text(q: float, unit: str) -> str:
    return f"{q:.2f}" if unit in ("kg", "l") else str(round(q))


def weighted_choice(rng: random.Random, weights: dict):
    keys = list(weights)
    return rng.choices(keys, weights=[weights[k] for k in keys])[0]


def calendar(rng: random.Random):
    """Every day of the period with a traffic weight (weekdays, months, slow growth)."""
    season = {1: 0.9, 2: 0.85, 3: 1.0, 4: 1.0, 5: 1.0, 6: 0.95, 7: 0.95, 8: 0.9, 9: 1.05, 10: 1.15, 11: 1.2, 12: 1.05}
    weekday = [1.0, 1.0, 1.0, 1.0, 1.0, 0.35, 0.1]
    days, weights = [], []
    d = START
    while d <= END:
        growth = 1 + 0.06 * (d - START).days / 365
        days.append(d)
        weights.append(season[d.month] * weekday[d.weekday()] * growth)
        d += dt.timedelta(days=1)
    return days, weights


def make_importers(rng: random.Random):
    codes = list(HS)
    freq = [HS[c][6] for c in codes]
    importers = []
    for i in range(N_IMPORTERS):
        n_codes = rng.choices([1, 2, 3, 4], weights=[4, 3, 2, 1])[0]
        chosen = []
        while len(chosen) < n_codes:
            c = rng.choices(codes, weights=freq)[0]
            if c not in chosen:
                chosen.append(c)
        activity = min(rng.paretovariate(1.3), 40.0)
        importers.append(
            {
                "id": f"IMP-{i + 1:05d}",
                "codes": chosen,
                "code_weights": [rng.uniform(0.5, 2.0) for _ in chosen],
                "activity": activity,
                "office": None,
                "declarant": f"DCL-{rng.randrange(N_DECLARANTS) + 1:03d}",
                "origins": {c: weighted_choice(rng, HS[c][8]) for c in chosen},
                "price": rng.lognormvariate(0, 0.12),
                "fraud": set(),
                "partner": None,
            }
        )
    for imp in importers:
        # home office: the busiest mode of its main goods
        mode = weighted_choice(rng, TRANSPORT[HS[imp["codes"][0]][7]])
        offices = {o: w for o, (m, w) in OFFICES.items() if m == mode}
        imp["office"] = weighted_choice(rng, offices)
    return importers


def assign_fraud(rng: random.Random, importers):
    """Pick the importers who carry the planted patterns (ordinary-sized traders)."""
    ordinary = [imp for imp in importers if 1.5 <= imp["activity"] <= 12]
    rng.shuffle(ordinary)
    high_duty = [c for c in HS if HS[c][5] >= 20]
    n_under = n_mis = n_orig = 0
    for imp in ordinary:
        if n_under < 18:
            # undervaluers trade high-duty goods
            imp["codes"] = rng.sample(high_duty, rng.choice([1, 2, 3]))
            imp["code_weights"] = [1.0] * len(imp["codes"])
            imp["origins"] = {c: weighted_choice(rng, HS[c][8]) for c in imp["codes"]}
            imp["fraud"].add("undervaluation")
            imp["activity"] = max(imp["activity"], 4.0)
            n_under += 1
        elif n_mis < 14:
            true_code = list(MISCLASSIFICATION)[n_mis % len(MISCLASSIFICATION)]
            imp["codes"] = [true_code] + [c for c in imp["codes"] if c != true_code][:1]
            imp["code_weights"] = [3.0] + [1.0] * (len(imp["codes"]) - 1)
            imp["origins"] = {c: weighted_choice(rng, HS[c][8]) for c in imp["codes"]}
            imp["fraud"].add("misclassification")
            imp["activity"] = max(imp["activity"], 4.0)
            n_mis += 1
        elif n_orig < 14:
            target = ORIGIN_TARGETS[n_orig % len(ORIGIN_TARGETS)]
            imp["codes"] = [target] + [c for c in imp["codes"] if c != target][:1]
            imp["code_weights"] = [3.0] + [1.0] * (len(imp["codes"]) - 1)
            origins = {o: w for o, w in HS[target][8].items() if o not in PREFERENCE_PARTNERS}
            imp["origins"] = {c: weighted_choice(rng, HS[c][8]) for c in imp["codes"]}
            imp["origins"][target] = weighted_choice(rng, origins)
            imp["partner"] = rng.choice(PREFERENCE_PARTNERS)
            imp["fraud"].add("origin")
            imp["activity"] = max(imp["activity"], 5.0)
            n_orig += 1
        else:
            break
    # some importers already appear on the watch list: a few fraudsters, more honest traders
    fraudsters = [imp for imp in importers if imp["fraud"]]
    honest = [imp for imp in importers if not imp["fraud"]]
    watch = rng.sample(fraudsters, 12) + rng.sample(honest, 28)
    for imp in watch:
        imp["watch"] = True


def make_line(rng, imp, code, date):
    _desc, unit, uv, kg_per_unit, qty_med, _rate, _, _, origins = HS[code]
    origin = imp["origins"][code] if rng.random() < 0.8 else weighted_choice(rng, origins)
    qty = qty_med * rng.lognormvariate(0, 0.7)
    if unit not in ("kg", "l"):
        qty = max(1, round(qty))
    inflation = 1 + 0.03 * (date.year - 2022)
    unit_value = uv * rng.lognormvariate(0, 0.3) * imp["price"] * inflation
    value = qty * unit_value
    weight = qty if unit == "kg" else qty * kg_per_unit * rng.lognormvariate(0, 0.04)
    return {
        "hs_code": code,
        "true_code": code,
        "origin": origin,
        "true_origin": origin,
        "quantity": qty,
        "unit": unit,
        "net_weight": weight,
        "value": value,
        "true_value": value,
        "truth": "",
    }


def apply_fraud(rng, imp, line, date):
    code = line["hs_code"]
    if "misclassification" in imp["fraud"] and code in MISCLASSIFICATION and rng.random() < 0.6:
        new = MISCLASSIFICATION[code]
        line["hs_code"] = new
        if HS[new][1] == "kg":
            line["quantity"] = line["net_weight"]
        line["unit"] = HS[new][1]
        line["truth"] = "misclassification"
        return
    if "undervaluation" in imp["fraud"] and rng.random() < 0.65:
        line["value"] = line["true_value"] * rng.uniform(0.25, 0.6)
        line["truth"] = "undervaluation"
        return
    if "origin" in imp["fraud"] and code in ORIGIN_TARGETS and date >= ORIGIN_SWITCH_FROM and rng.random() < 0.85:
        line["origin"] = imp["partner"]
        line["truth"] = "origin"
        return
    if rng.random() < 0.01:
        share = rng.uniform(0.5, 0.85)
        line["true_value"] = line["value"] / share
        line["truth"] = "quantity"


def generate(out_path: Path, truth_path: Path | None = None) -> int:
    rng = random.Random(SEED)
    days, day_weights = calendar(rng)
    importers = make_importers(rng)
    assign_fraud(rng, importers)
    activity = [imp["activity"] for imp in importers]

    declarations = []
    for _ in range(N_DECLARATIONS):
        imp = rng.choices(importers, weights=activity)[0]
        date = rng.choices(days, weights=day_weights)[0]
        declarant = imp["declarant"] if rng.random() < 0.9 else f"DCL-{rng.randrange(N_DECLARANTS) + 1:03d}"
        n_lines = rng.choices([1, 2, 3, 4, 5, 6], weights=[30, 25, 18, 12, 8, 7])[0]
        first = rng.choices(imp["codes"], weights=imp["code_weights"])[0]
        modes = TRANSPORT[HS[first][7]]
        if OFFICES[imp["office"]][0] in modes and rng.random() < 0.85:
            office = imp["office"]
        else:
            mode = weighted_choice(rng, modes)
            office = weighted_choice(rng, {o: w for o, (m, w) in OFFICES.items() if m == mode})
        lines = []
        for i in range(n_lines):
            # a consignment travels by one mode: other goods only if they can travel that way
            code = first if i == 0 else rng.choices(imp["codes"], weights=imp["code_weights"])[0]
            if OFFICES[office][0] not in TRANSPORT[HS[code][7]]:
                code = first
            line = make_line(rng, imp, code, date)
            apply_fraud(rng, imp, line, date)
            lines.append(line)
        declarations.append(
            {
                "imp": imp,
                "date": date,
                "office": office,
                "declarant": declarant,
                "lines": lines,
                "tiebreak": rng.random(),
            }
        )

    declarations.sort(key=lambda d: (d["date"], d["tiebreak"]))
    seq = {}
    seen_importers = {}
    for d in declarations:
        year = d["date"].year
        seq[year] = seq.get(year, 0) + 1
        d["id"] = f"DEC-{year}-{seq[year]:06d}"
        n_before = seen_importers.get(d["imp"]["id"], 0)
        seen_importers[d["imp"]["id"]] = n_before + 1
        select(rng, d, new_importer=n_before < 2)

    rows, truth_rows = [], []
    for d in declarations:
        for n, line in enumerate(d["lines"], start=1):
            row, truth = finish_line(rng, d, n, line)
            rows.append(row)
            truth_rows.append(truth)
    rows = add_defects(rng, rows)

    with open(out_path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(COLUMNS)
        writer.writerows([row[c] for c in COLUMNS] for row in rows)
    if truth_path is not None:
        with open(truth_path, "w", newline="", encoding="utf-8") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(
                ["declaration_id", "line_no", "true_hs_code", "true_origin", "true_customs_value", "true_irregularity"]
            )
            writer.writerows(truth_rows)
    return len(rows)


def select(rng, d, new_importer: bool):
    """The administration's selectivity: random sample first, then its risk rules."""
    if rng.random() < RANDOM_SELECTION_RATE:
        d["selection"] = "random"
        d["channel"] = "red" if rng.random() < 0.5 else "yellow"
        return
    red = yellow = 0.0
    if d["imp"].get("watch"):
        red = max(red, 0.6)
        yellow = max(yellow, 0.3)
    for line in d["lines"]:
        code = line["hs_code"]
        if code in HIGH_DUTY_WATCH:
            yellow = max(yellow, 0.2)
        if code in VALUATION_DB:
            uv = line["value"] / line["quantity"]
            if uv < 0.5 * HS[code][2]:
                red = max(red, 0.5)
                yellow = max(yellow, 0.3)
        if code in PREFERENCE_WATCH and line["origin"] in PREFERENCE_PARTNERS:
            yellow = max(yellow, 0.15)
    if new_importer:
        yellow = max(yellow, 0.3)
    r = rng.random()
    if r < red:
        d["selection"], d["channel"] = "rule", "red"
    elif r < red + (1 - red) * yellow:
        d["selection"], d["channel"] = "rule", "yellow"
    else:
        d["selection"], d["channel"] = "none", "green"


def finish_line(rng, d, n, line):
    code = line["hs_code"]
    unit = line["unit"]
    origin = line["origin"]
    preference = 0
    if origin in PREFERENCE_PARTNERS and rng.random() < 0.9:
        preference = 1
    rate = 0 if preference else HS[code][5]
    duties = line["value"] * rate / 100
    inspected = d["channel"] != "green"
    result, irregularity, additional = "not_inspected", "", 0.0
    if inspected:
        result = "no_irregularity"
        truth = line["truth"]
        if truth and rng.random() < DETECTION[d["channel"]][truth]:
            result, irregularity = "irregularity", truth
            if truth in ("undervaluation", "quantity"):
                additional = (line["true_value"] - line["value"]) * rate / 100
            elif truth == "misclassification":
                additional = line["value"] * (HS[line["true_code"]][5] - rate) / 100
            else:  # origin: the preference is refused, the general rate applies
                additional = line["value"] * (HS[code][5] - rate) / 100
    row = {
        "declaration_id": d["id"],
        "line_no": n,
        "date": d["date"].isoformat(),
        "office": d["office"],
        "mode": OFFICES[d["office"]][0],
        "importer_id": d["imp"]["id"],
        "declarant_id": d["declarant"],
        "hs_code": code,
        "origin": origin,
        "preference": preference,
        "quantity": qty_text(line["quantity"], unit),
        "supp_unit": unit,
        "net_weight_kg": money(line["net_weight"]),
        "customs_value": money(line["value"]),
        "duty_rate": f"{rate:.1f}",
        "duties_paid": money(duties),
        "channel": d["channel"],
        "selection": d["selection"],
        "inspected": int(inspected),
        "inspection_result": result,
        "irregularity_type": irregularity,
        "additional_duties": money(additional),
    }
    truth_row = [d["id"], n, line["true_code"], line["true_origin"], money(line["true_value"]), line["truth"]]
    return row, truth_row


def add_defects(rng, rows):
    """Plant the data-quality defects of the cleaning exercises."""
    office_variants = {
        "SEA01": ["sea01", "SEA 01", "SEA01 "],
        "SEA02": ["sea02", "SEA-02"],
        "AIR01": ["Air01", "AIR1"],
        "RD01": ["rd01", "RD-01"],
        "RD02": ["RD 02"],
    }
    # inconsistent office codes, one whole declaration at a time
    by_decl = {}
    for row in rows:
        by_decl.setdefault(row["declaration_id"], []).append(row)
    for decl_rows in by_decl.values():
        if rng.random() < 0.02:
            variant = rng.choice(office_variants[decl_rows[0]["office"]])
            for row in decl_rows:
                row["office"] = variant
    out = []
    for row in rows:
        r = rng.random()
        if r < 0.012:
            row["net_weight_kg"] = ""
        elif r < 0.014:
            # weight keyed in grams instead of kilograms
            row["net_weight_kg"] = money(float(row["net_weight_kg"]) * 1000)
        elif r < 0.0145:
            row["net_weight_kg"] = money(-float(row["net_weight_kg"]))
        r = rng.random()
        if r < 0.003:
            row["origin"] = ""
        elif r < 0.004:
            row["customs_value"] = "0.00"
            row["duties_paid"] = "0.00"
        elif r < 0.0045:
            row["quantity"] = "0"
        out.append(row)
        if rng.random() < 0.006:
            out.append(dict(row))  # the same line sent twice
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("output", nargs="?", default=str(Path(__file__).with_name("declarations.csv")))
    parser.add_argument("--truth", help="also write the hidden ground truth to this CSV file")
    args = parser.parse_args()
    n = generate(Path(args.output), Path(args.truth) if args.truth else None)
    print(f"wrote {n} lines to {args.output}")


if __name__ == "__main__":
    main()
