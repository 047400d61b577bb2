"""A small inventory program: the demo and the examples debug it (`python examples/demo.py`)."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field


@dataclass
class Item:
    sku: str
    name: str
    price: float
    quantity: int


@dataclass
class Inventory:
    items: dict[str, Item] = field(default_factory=dict)

    def add(self, item: Item) -> None:
        self.items[item.sku] = item

    def restock(self, sku: str, amount: int) -> int:
        item = self.items[sku]
        item.quantity += amount  # @restock
        return item.quantity

    def total_value(self) -> float:
        total = 0.0
        for item in self.items.values():
            total += item.price * item.quantity  # @total
        return round(total, 2)


def apply_discount(price: float, percent: float) -> float:
    if not 0 <= percent <= 100:
        raise ValueError(f"discount must be between 0 and 100, not {percent}")  # @discount-error
    return round(price * (1 - percent / 100), 2)


def _secret(name: str) -> str:
    # Stands in for a vault or the environment: the secrets exist only at run time, never in
    # this file, so what the demo shows of them is what the debugger lets out.
    return os.environ.get(name) or secrets.token_urlsafe(18)


def connect_to_warehouse(user: str) -> str:
    password = _secret("WAREHOUSE_PASSWORD")
    api_key = _secret("WAREHOUSE_API_KEY")
    url = f"https://{user}@warehouse.example"  # @connect
    return url if password and api_key else ""


def build() -> Inventory:
    inventory = Inventory()
    for sku, name, price, quantity in [
        ("A-1", "anvil", 49.5, 2),
        ("B-2", "bucket", 3.25, 10),
        ("C-3", "chisel", 12.0, 0),
    ]:
        inventory.add(Item(sku, name, price, quantity))
    return inventory


def main() -> float:
    inventory = build()
    inventory.restock("C-3", 4)
    value = inventory.total_value()
    print(f"stock value: {value}")
    link = connect_to_warehouse("ada")
    print(f"connected: {link}")
    try:
        apply_discount(10.0, 150)
    except ValueError as exc:
        print(f"rejected: {exc}")
    return value


if __name__ == "__main__":
    main()
