"""The frames the store-load benchmark loads: text frames as the pipeline hands them to the loader."""

from __future__ import annotations

import pandas as pd


def make_frames(orders: int) -> dict[str, pd.DataFrame]:
    """Text frames as the pipeline hands them to the loader, ``orders`` order lines and the rest in proportion."""
    partners = max(orders // 20, 10)
    products = max(orders // 200, 10)
    golden = [f"P{i:08d}" for i in range(partners)]
    skus = [f"SKU{i:06d}" for i in range(products)]
    partner = pd.DataFrame({
        "golden_id": golden, "partner_name": [f"经销商{i}商贸有限公司" for i in range(partners)],
        "channel_tier": ["1", "2"] * (partners // 2) + ["1"] * (partners % 2),
        "sales_region": "华南", "phone": "0755-12345678", "source_count": "1",
        "primary_source_system": "ERP", "primary_source_record_id": [f"R{i}" for i in range(partners)],
    })  # fmt: skip
    product = pd.DataFrame({
        "sku_code": skus, "product_name": [f"产品{i} 500ml" for i in range(products)], "spec": "500ml×12瓶/箱",
        "net_content": "500", "units_per_case": "12", "tax_rate": "0.13", "status": "active",
    })  # fmt: skip
    price = pd.DataFrame({
        "sku_code": skus * 2, "price_tier": ["tier1"] * products + ["retail"] * products, "sales_region": "华南",
        "price": [f"{100 + i % 50}.{i % 100:02d}" for i in range(products * 2)], "currency": "CNY",
        "effective_from": "2026-01-01",
    })  # fmt: skip
    balance = pd.DataFrame({
        "source_system": "ERP", "partner_record_id": [f"R{i}" for i in range(partners)],
        "partner_golden_id": golden, "as_of_date": "2026-10-31",
        "balance_amount": [f"{(i * 37) % 100000}.{i % 100:02d}" for i in range(partners)], "currency": "CNY",
    })  # fmt: skip
    order = pd.DataFrame({
        "source_system": "ERP", "order_no": [f"SO{i // 3:08d}" for i in range(orders)],
        "line_no": [str(1 + i % 3) for i in range(orders)],
        "partner_record_id": [f"R{i % partners}" for i in range(orders)],
        "partner_golden_id": [golden[i % partners] for i in range(orders)],
        "order_date": [f"2026-{1 + i % 12:02d}-{1 + i % 28:02d}" for i in range(orders)],
        "sku_code": [skus[i % products] for i in range(orders)], "quantity": [str(1 + i % 9) for i in range(orders)],
        "unit_price": "113.00", "amount": [f"{113 * (1 + i % 9)}.00" for i in range(orders)], "status": "closed",
    })  # fmt: skip
    crosswalk = pd.DataFrame({
        "entity": "partner", "source_system": "ERP", "source_record_id": [f"R{i}" for i in range(partners)],
        "golden_id": golden, "match_decision": "singleton",
    })  # fmt: skip
    return {
        "partner": partner, "product": product, "price": price, "balance": balance, "order_line": order,
        "crosswalk": crosswalk,
    }  # fmt: skip
