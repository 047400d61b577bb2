import threading


class Account:
    def __init__(self, owner, balance):
        self.owner = owner
        self.balance = balance
        self.api_key = "sk_live_51Habcdefghijklmnopqrstuv"


def helper(n):
    doubled = n * 2  # @helper-body
    return doubled


def work():
    items = [1, 2, 3]
    db_password = "hunter2-very-secret"
    conn = "postgres://admin:s3cr3tpass@db.example.com/prod"
    account = Account("ada", 100)
    total = helper(len(items))  # @call-helper
    total += 1  # @after-call
    print("total", total, len(items))  # @print
    return total


def fails():
    try:
        raise KeyError("missing")
    except KeyError as exc:
        raise ValueError("bad value") from exc  # @raise-value


work()
t = threading.Thread(target=work, name="worker-1")
t.start()
t.join()
try:
    fails()
except ValueError:
    pass
fails()  # @uncaught
