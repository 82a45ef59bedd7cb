"""A small AlexNet-shaped CNN (five conv layers, three max-pools) with weights drawn from a fixed seed.

No weights are downloaded or trained: Kaiming-normal initialisation from WEIGHT_SEED is the whole model. Each
region reads one layer, average-pooled to a small grid so the neuroid counts stay in the low thousands.
"""
import torch
from torch import nn

from readouts import READOUTS, WEIGHT_SEED


class SmallAlexNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(3, 48, kernel_size=7, stride=2, padding=3)   # 128 -> 64
        self.conv2 = nn.Conv2d(48, 64, kernel_size=5, padding=2)            # 32 (after pool)
        self.conv3 = nn.Conv2d(64, 128, kernel_size=3, padding=1)           # 16 (after pool)
        self.conv4 = nn.Conv2d(128, 128, kernel_size=3, padding=1)
        self.conv5 = nn.Conv2d(128, 96, kernel_size=3, padding=1)
        self.pool = nn.MaxPool2d(kernel_size=3, stride=2, padding=1)
        self.relu = nn.ReLU()

    def forward(self, images: torch.Tensor) -> dict[str, torch.Tensor]:
        conv1 = self.relu(self.conv1(images))
        conv2 = self.relu(self.conv2(self.pool(conv1)))
        conv3 = self.relu(self.conv3(self.pool(conv2)))
        conv4 = self.relu(self.conv4(conv3))
        pool5 = self.pool(self.relu(self.conv5(conv4)))
        return {"conv1": conv1, "conv2": conv2, "conv4": conv4, "pool5": pool5}


def build_network() -> SmallAlexNet:
    generator = torch.Generator().manual_seed(WEIGHT_SEED)
    network = SmallAlexNet()
    with torch.no_grad():
        for module in network.modules():
            if isinstance(module, nn.Conv2d):
                fan_in = module.in_channels * module.kernel_size[0] * module.kernel_size[1]
                module.weight.copy_(torch.randn(module.weight.shape, generator=generator) * (2.0 / fan_in) ** 0.5)
                module.bias.zero_()
    return network.eval()


def readouts(network: SmallAlexNet, images: torch.Tensor, regions: list[str]) -> dict[str, torch.Tensor]:
    """region -> (images, neuroids) float32: the region's layer average-pooled to its grid and flattened."""
    layers = network(images)
    out = {}
    for region in regions:
        layer, side = READOUTS[region]
        out[region] = nn.functional.adaptive_avg_pool2d(layers[layer], side).flatten(1)
    return out
