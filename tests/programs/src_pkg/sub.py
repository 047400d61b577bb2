def double(items):
    count = len(items)  # @sub-body
    return count * 2


if __name__ == "__main__":
    print("sub as main", double(["x"]))  # @sub-main
