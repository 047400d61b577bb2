import time

ticks = 0
while True:
    ticks += 1  # @spin
    time.sleep(0.01)
