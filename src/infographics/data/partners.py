"""The partners pivot: the long rows of `partners.csv` (library, year, category, function,
cooperates) into one nullable boolean column per category, group, core function and
(category, function) on each library's network row.

As `partners.yaml` describes, for each library and year:
- `cat_<category>`: ja if any of the category's rows (any function, or general) is ja; nee if it
  has rows and all are nee; unknown (NA) without rows;
- `grp_<group>`: ja if any category of the group is ja; nee if all its categories are nee;
  otherwise unknown;
- `fn_<function>`: ja if any category's row for that function is ja; nee if such rows exist and
  all are nee; otherwise unknown;
- `cat_<category>__<function>`: that row's answer, unknown without one.
A missing row is unknown, never nee. Rows with codes the configuration does not know (they are
validation errors) and rows without an answer count for nothing.
"""

from __future__ import annotations

import pandas as pd

from infographics.data.partnerconfig import JOIN, PartnerConfig

KEY = ["school_year", "library_id"]  # a network row: the edition's year (calendar) and library


def pivot_partners(network: pd.DataFrame, partners: pd.DataFrame,
                   config: PartnerConfig) -> pd.DataFrame:
    """`network` (with `school_year` = the calendar year) with the pivot's columns added, in the
    order of `config.columns()`; `partners` has `school_year` too."""
    index = pd.MultiIndex.from_frame(network[KEY].astype(object))
    rows = _answered(partners, config)
    general = _any_per_code(rows, "category", index)
    with_function = rows[rows["function"].notna()]
    per_function = _any_per_code(with_function, "function", index)
    pairs = _any_per_code(
        with_function.assign(pair=with_function["category"] + JOIN + with_function["function"]),
        "pair", index)
    wide: dict[str, pd.Series] = {}
    for category in config.categories:
        wide[f"cat_{category.id}"] = _column(general, category.id, index)
    for group in config.groups:
        wide[f"grp_{group.id}"] = _group(
            [wide[f"cat_{member}"] for member in config.members(group.id)], index)
    for function in config.functions:
        wide[f"fn_{function.id}"] = _column(per_function, function.id, index)
    for pair in config.combinations():
        wide[f"cat_{pair.id}"] = _column(pairs, pair.id, index)
    added = pd.DataFrame(wide).reset_index(drop=True)
    return pd.concat([network.reset_index(drop=True), added], axis=1)


def _answered(partners: pd.DataFrame, config: PartnerConfig) -> pd.DataFrame:
    """The rows with an answer and configured codes, `cooperates` as plain bool."""
    known = (partners["cooperates"].notna() & partners["category"].isin(config.category_ids)
             & (partners["function"].isna() | partners["function"].isin(config.function_ids)))
    rows = partners[known.to_numpy(dtype=bool, na_value=False)]
    return rows.assign(cooperates=rows["cooperates"].astype(bool),
                       school_year=rows["school_year"].astype(object),
                       library_id=rows["library_id"].astype(object))


def _any_per_code(rows: pd.DataFrame, code: str, index: pd.MultiIndex) -> pd.DataFrame:
    """Per network row (in `index` order) and per value of `code`: whether any row says ja
    (True), all say nee (False), or there is none (NaN)."""
    if rows.empty:
        return pd.DataFrame(index=index)
    answers = rows.groupby([*KEY, code])["cooperates"].max().unstack(code)
    return answers.reindex(index)


def _column(answers: pd.DataFrame, code: str, index: pd.MultiIndex) -> pd.Series:
    if code not in answers.columns:
        return pd.Series(pd.NA, index=index, dtype="boolean")
    return answers[code].astype("boolean")


def _group(members: list[pd.Series], index: pd.MultiIndex) -> pd.Series:
    """ja if any member is ja, nee if all are nee, otherwise unknown."""
    any_yes = pd.Series(False, index=index)
    all_no = pd.Series(True, index=index)
    for member in members:
        any_yes |= member.eq(True).fillna(False).astype(bool)
        all_no &= member.eq(False).fillna(False).astype(bool)
    out = pd.Series(pd.NA, index=index, dtype="boolean")
    out[all_no.to_numpy()] = False
    out[any_yes.to_numpy()] = True
    return out
