"""Using the API inside a test: `python -m pytest examples/test_with_pytest.py`."""

import sys

from _common import HERE

import dap_server

sys.path.insert(0, str(HERE))
import inventory


def test_restock_adds_to_the_quantity() -> None:
    with dap_server.session() as s:
        s.set_breakpoint("inventory.Inventory.restock")
        s.run(inventory.main)
        s.run_until_breakpoint()
        assert s.get_local_variables()["amount"] == 4
        assert s.get_variable("self.items['C-3'].quantity") == 0
        s.step_out()
        assert s.get_variable("inventory.items['C-3'].quantity") == 4
        assert s.finish() == 179.5


def test_discount_is_validated() -> None:
    with dap_server.session() as s:
        s.set_exception_breakpoint("ValueError", on_raise=True)
        s.run(inventory.apply_discount, 10.0, 150)
        try:
            s.run_until_exception()
        except dap_server.ExceptionCaught as e:
            assert (e.exception_type, e.line) == ("ValueError", s.get_current_line())
            assert s.get_local_variables() == {"price": 10.0, "percent": 150}
        else:
            raise AssertionError("no exception")
