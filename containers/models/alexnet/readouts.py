"""Which layer stands for which region (no torch import: `describe` must answer fast)."""

WEIGHT_SEED = 0
INPUT_SIDE = 128
# region -> (layer, side of the average-pooled grid)
READOUTS = {"V1": ("conv1", 8), "V2": ("conv2", 6), "V4": ("conv4", 4), "IT": ("pool5", 4)}
CHANNELS = {"conv1": 48, "conv2": 64, "conv4": 128, "pool5": 96}  # must match network.py


def neuroids(region: str) -> int:
    layer, side = READOUTS[region]
    return CHANNELS[layer] * side * side
