"""ResNet50: a PyTorch module compiled by netspec 0.1.0.

Spec: resnet50.net. Weights: PyTorch's defaults.
Parameters: 25,557,032. MACs: 4,089,184,256 per sample (FLOPs = 2 x MACs).
Input (N, 3, 224, 224) -> output (N, 1000), N being the batch size.

`model(x)` gives the network's output. For NLL training, `model(x, log_probs=True)`
(or `model.log_probabilities(x)`) gives its log_softmax over dim 1.

Needs only torch. `python` on this file runs a random batch through the network and
prints the output shape.
"""

from collections import OrderedDict

import torch
import torch.nn.functional as F
from torch import nn

INPUT_SHAPE = (3, 224, 224)  # (C, H, W) of one sample


class BottleneckDown(nn.Module):
    """The block `bottleneck_down` (defined on line 26); 4 instances in this network."""

    def __init__(self, in_channels: int, width: int, stride: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, width, kernel_size=1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.relu1 = nn.ReLU()
        self.conv2 = nn.Conv2d(
            width, width, kernel_size=3, stride=stride, padding=1, bias=False
        )
        self.bn2 = nn.BatchNorm2d(width)
        self.relu2 = nn.ReLU()
        self.conv3 = nn.Conv2d(width, width * 4, kernel_size=1, bias=False)
        self.bn3 = nn.BatchNorm2d(width * 4)
        self.shortcut = nn.Sequential(
            OrderedDict(
                conv1=nn.Conv2d(
                    in_channels, width * 4, kernel_size=1, stride=stride, bias=False
                ),
                bn1=nn.BatchNorm2d(width * 4),
            )
        )
        self.relu3 = nn.ReLU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        identity = x  # (N, in_channels, H, W)
        x = self.conv1(x)  # (N, width, H, W)
        x = self.bn1(x)  # (N, width, H, W)
        x = self.relu1(x)  # (N, width, H, W)
        x = self.conv2(x)  # (N, width, H', W')
        x = self.bn2(x)  # (N, width, H', W')
        x = self.relu2(x)  # (N, width, H', W')
        x = self.conv3(x)  # (N, width * 4, H', W')
        x = self.bn3(x)  # (N, width * 4, H', W')
        identity = self.shortcut(identity)  # (N, width * 4, H', W')
        x = x + identity  # (N, width * 4, H', W'): residual
        x = self.relu3(x)  # (N, width * 4, H', W')
        return x


class Bottleneck(nn.Module):
    """The block `bottleneck` (defined on line 10); 12 instances in this network."""

    def __init__(self, in_channels: int, width: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, width, kernel_size=1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.relu1 = nn.ReLU()
        self.conv2 = nn.Conv2d(width, width, kernel_size=3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(width)
        self.relu2 = nn.ReLU()
        self.conv3 = nn.Conv2d(width, width * 4, kernel_size=1, bias=False)
        self.bn3 = nn.BatchNorm2d(width * 4)
        self.relu3 = nn.ReLU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        identity = x  # (N, width * 4, H, W)
        x = self.conv1(x)  # (N, width, H, W)
        x = self.bn1(x)  # (N, width, H, W)
        x = self.relu1(x)  # (N, width, H, W)
        x = self.conv2(x)  # (N, width, H, W)
        x = self.bn2(x)  # (N, width, H, W)
        x = self.relu2(x)  # (N, width, H, W)
        x = self.conv3(x)  # (N, width * 4, H, W)
        x = self.bn3(x)  # (N, width * 4, H, W)
        x = x + identity  # (N, width * 4, H, W): residual
        x = self.relu3(x)  # (N, width * 4, H, W)
        return x


class Stage(nn.Module):
    """The block `stage` (defined on line 41); 2 instances in this network."""

    def __init__(self, in_channels: int, width: int, stride: int) -> None:
        super().__init__()
        self.bottleneck_down1 = BottleneckDown(in_channels, width, stride)
        self.bottleneck1 = Bottleneck(width * 4, width)
        self.bottleneck2 = Bottleneck(width * 4, width)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.bottleneck_down1(x)  # (N, width * 4, H', W')
        x = self.bottleneck1(x)  # (N, width * 4, H', W')
        x = self.bottleneck2(x)  # (N, width * 4, H', W')
        return x


class Stage2(nn.Module):
    """The block `stage` (defined on line 41); 1 instance in this network."""

    def __init__(self, in_channels: int, width: int, stride: int) -> None:
        super().__init__()
        self.bottleneck_down1 = BottleneckDown(in_channels, width, stride)
        self.bottleneck1 = Bottleneck(width * 4, width)
        self.bottleneck2 = Bottleneck(width * 4, width)
        self.bottleneck3 = Bottleneck(width * 4, width)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.bottleneck_down1(x)  # (N, 512, 28, 28)
        x = self.bottleneck1(x)  # (N, 512, 28, 28)
        x = self.bottleneck2(x)  # (N, 512, 28, 28)
        x = self.bottleneck3(x)  # (N, 512, 28, 28)
        return x


class Stage3(nn.Module):
    """The block `stage` (defined on line 41); 1 instance in this network."""

    def __init__(self, in_channels: int, width: int, stride: int) -> None:
        super().__init__()
        self.bottleneck_down1 = BottleneckDown(in_channels, width, stride)
        self.bottleneck1 = Bottleneck(width * 4, width)
        self.bottleneck2 = Bottleneck(width * 4, width)
        self.bottleneck3 = Bottleneck(width * 4, width)
        self.bottleneck4 = Bottleneck(width * 4, width)
        self.bottleneck5 = Bottleneck(width * 4, width)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.bottleneck_down1(x)  # (N, 1024, 14, 14)
        x = self.bottleneck1(x)  # (N, 1024, 14, 14)
        x = self.bottleneck2(x)  # (N, 1024, 14, 14)
        x = self.bottleneck3(x)  # (N, 1024, 14, 14)
        x = self.bottleneck4(x)  # (N, 1024, 14, 14)
        x = self.bottleneck5(x)  # (N, 1024, 14, 14)
        return x


class ResNet50(nn.Module):
    """ResNet50, as specified in resnet50.net."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu1 = nn.ReLU()
        self.pool1 = nn.MaxPool2d(3, stride=2, padding=1)
        self.layer1 = Stage(64, 64, 1)
        self.layer2 = Stage2(256, 128, 2)
        self.layer3 = Stage3(512, 256, 2)
        self.layer4 = Stage(1024, 512, 2)
        self.pool2 = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Linear(2048, 1000)

    def forward(self, x: torch.Tensor, log_probs: bool = False) -> torch.Tensor:
        """(N, 3, 224, 224) -> (N, 1000); log-probabilities if log_probs."""
        x = self.conv1(x)  # (N, 64, 112, 112)
        x = self.bn1(x)  # (N, 64, 112, 112)
        x = self.relu1(x)  # (N, 64, 112, 112)
        x = self.pool1(x)  # (N, 64, 56, 56)
        x = self.layer1(x)  # (N, 256, 56, 56)
        x = self.layer2(x)  # (N, 512, 28, 28)
        x = self.layer3(x)  # (N, 1024, 14, 14)
        x = self.layer4(x)  # (N, 2048, 7, 7)
        x = self.pool2(x)  # (N, 2048, 1, 1)
        x = torch.flatten(x, 1)  # (N, 2048)
        x = self.fc1(x)  # (N, 1000)
        if log_probs:
            return F.log_softmax(x, dim=1)  # (N, 1000)
        return x

    @torch.jit.export
    def log_probabilities(self, x: torch.Tensor) -> torch.Tensor:
        """Log-probabilities (log_softmax over dim 1), for NLL training."""
        return self.forward(x, log_probs=True)


if __name__ == "__main__":
    model = ResNet50().eval()
    with torch.no_grad():
        output = model(torch.randn(2, *INPUT_SHAPE))
    print(f"output shape: {tuple(output.shape)}")
