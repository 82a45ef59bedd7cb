"""A small CNN for braindock's simulated objects: three conv layers and one hidden layer on 32x32 grey images.

conv1 5x5 16 -> max-pool 2 -> conv2 3x3 32 -> max-pool 2 -> conv3 3x3 64 -> max-pool 2 -> fc 128 -> 8 object logits
(ReLU after every layer but the last). Each region reads one layer, average-pooled to a small grid.
"""
import torch
from torch import nn

SIDE = 32  # input side (pixels); stimuli are resized to it, bilinear
READOUTS = {"V1": ("conv1", 8), "V2": ("conv2", 4), "V4": ("conv3", 4), "IT": ("fc", None)}  # region -> (layer, grid side)


class ObjectCNN(nn.Module):
    def __init__(self, classes: int):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, kernel_size=5, padding=2)   # 32
        self.conv2 = nn.Conv2d(16, 32, kernel_size=3, padding=1)  # 16
        self.conv3 = nn.Conv2d(32, 64, kernel_size=3, padding=1)  # 8
        self.fc = nn.Linear(64 * 4 * 4, 128)
        self.head = nn.Linear(128, classes)
        self.pool = nn.MaxPool2d(2)
        self.relu = nn.ReLU()

    def forward(self, images: torch.Tensor) -> dict[str, torch.Tensor]:
        conv1 = self.relu(self.conv1(images))
        conv2 = self.relu(self.conv2(self.pool(conv1)))
        conv3 = self.relu(self.conv3(self.pool(conv2)))
        fc = self.relu(self.fc(self.pool(conv3).flatten(1)))
        return {"conv1": conv1, "conv2": conv2, "conv3": conv3, "fc": fc, "logits": self.head(fc)}


def normalise(pixels: torch.Tensor) -> torch.Tensor:
    """uint8 grey images (n, SIDE, SIDE) -> the network's input (n, 1, SIDE, SIDE), about zero mean and unit sd."""
    return ((pixels.float() / 255.0 - 0.5) / 0.25).unsqueeze(1)


def readouts(layers: dict[str, torch.Tensor], regions: list[str]) -> dict[str, torch.Tensor]:
    """region -> (images, neuroids): the region's layer, conv layers average-pooled to their grid, flattened."""
    out = {}
    for region in regions:
        layer, side = READOUTS[region]
        values = layers[layer]
        out[region] = (nn.functional.adaptive_avg_pool2d(values, side) if side else values).flatten(1)
    return out


def neuroids(region: str) -> int:
    layer, side = READOUTS[region]
    channels = {"conv1": 16, "conv2": 32, "conv3": 64, "fc": 128}[layer]
    return channels * (side * side if side else 1)
