"""Secrets next to ordinary values (tests/e2e/test_values_over_dap.py)."""


class Client:
    def __init__(self):
        self.name = "billing"
        self.token = "tok-0123456789abcdef"


def main():
    password = "hunter2-very-secret"
    config = {"api_key": "ak-live-9f8e7d6c5b4a", "host": "db.internal", "port": 5432}
    client = Client()
    records = [{"user": "ann", "password": "pw-ann-2024-xyz"}]
    print("stop", len(config))  # @stop
    print("after", password == "changed-pass-value", config["api_key"] == "ak-new-0000-1111")


main()
