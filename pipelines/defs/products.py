"""The product master: one master SKU per product across sources, and a crosswalk from every source code."""

import dagster as dg
import pandas as pd

from mdm.product_master import build_product_master
from mdm.product_review import remember_decisions, write_review_workbook
from pipelines.defs.partitions import BUSINESS_DATES
from pipelines.defs.resources import ChannelMdmConfig

GROUP = "mdm"
REVIEW_WORKBOOK = "product_review.xlsx"
DECISIONS_FILE = "product_review_decisions.csv"


@dg.asset(
    partitions_def=BUSINESS_DATES,
    group_name=GROUP,
    description="Master products matched across sources (GTIN, normalised code, fuzzy brand + name + spec), "
    "the product crosswalk, and the pairs left for a steward in reports/product_review.xlsx.",
)
def product_master(
    context: dg.AssetExecutionContext,
    channel_mdm: ChannelMdmConfig,
    standardised_products: pd.DataFrame,
    landed_sources: dict,
) -> dg.Output:
    settings = channel_mdm.settings()
    review = settings.reports_dir / REVIEW_WORKBOOK
    decisions = remember_decisions(review, settings.data_dir / DECISIONS_FILE)
    master = build_product_master(standardised_products, landed_sources["trust_ranks"], decisions)
    write_review_workbook(master.match.review, review)
    for refusal in master.match.refused_decisions:
        context.log.warning(refusal)
    methods = master.match.crosswalk["match_method"].value_counts()
    return dg.Output(
        master,
        metadata={
            "records_in": len(standardised_products),
            "master_products": len(master.masters),
            "merged_away": len(standardised_products) - len(master.masters),
            **{f"linked_by_{name}": int(count) for name, count in methods.items()},
            "pairs_for_review": len(master.match.review),
            "steward_decisions": len(decisions),
            "steward_decisions_not_applied": len(master.match.refused_decisions),
            "review_workbook": dg.MetadataValue.path(str(review)),
        },
    )
