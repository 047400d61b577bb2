def parse(text):
    return int(text)  # @raise


print("before")
parse("not a number")
