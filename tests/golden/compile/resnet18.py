"""ResNet18: a PyTorch module compiled by netspec 0.1.0.

Spec: resnet18.net. Weights: PyTorch's defaults.
Parameters: 11,689,512. MACs: 1,814,073,344 per sample (FLOPs = 2 x MACs).
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


class Basic(nn.Module):
    """The block `basic` (defined on line 9); 5 instances in this network."""

    def __init__(self, width: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(width, width, kernel_size=3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(width)
        self.relu1 = nn.ReLU()
        self.conv2 = nn.Conv2d(width, width, kernel_size=3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(width)
        self.relu2 = nn.ReLU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        identity = x  # (N, width, H, W)
        x = self.conv1(x)  # (N, width, H, W)
        x = self.bn1(x)  # (N, width, H, W)
        x = self.relu1(x)  # (N, width, H, W)
        x = self.conv2(x)  # (N, width, H, W)
        x = self.bn2(x)  # (N, width, H, W)
        x = x + identity  # (N, width, H, W): residual
        x = self.relu2(x)  # (N, width, H, W)
        return x


class BasicDown(nn.Module):
    """The block `basic_down` (defined on line 21); 3 instances in this network."""

    def __init__(self, in_channels: int, width: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(
            in_channels, width, kernel_size=3, stride=2, padding=1, bias=False
        )
        self.bn1 = nn.BatchNorm2d(width)
        self.relu1 = nn.ReLU()
        self.conv2 = nn.Conv2d(width, width, kernel_size=3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(width)
        self.shortcut = nn.Sequential(
            OrderedDict(
                conv1=nn.Conv2d(
                    in_channels, width, kernel_size=1, stride=2, bias=False
                ),
                bn1=nn.BatchNorm2d(width),
            )
        )
        self.relu2 = nn.ReLU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        identity = x  # (N, width // 2, H, W)
        x = self.conv1(x)  # (N, width, H/2, W/2)
        x = self.bn1(x)  # (N, width, H/2, W/2)
        x = self.relu1(x)  # (N, width, H/2, W/2)
        x = self.conv2(x)  # (N, width, H/2, W/2)
        x = self.bn2(x)  # (N, width, H/2, W/2)
        identity = self.shortcut(identity)  # (N, width, H/2, W/2)
        x = x + identity  # (N, width, H/2, W/2): residual
        x = self.relu2(x)  # (N, width, H/2, W/2)
        return x


class Stage(nn.Module):
    """The block `stage` (defined on line 33); 3 instances in this network."""

    def __init__(self, in_channels: int, width: int) -> None:
        super().__init__()
        self.basic_down1 = BasicDown(in_channels, width)
        self.basic1 = Basic(width)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.basic_down1(x)  # (N, width, H/2, W/2)
        x = self.basic1(x)  # (N, width, H/2, W/2)
        return x


class ResNet18(nn.Module):
    """ResNet18, as specified in resnet18.net."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu1 = nn.ReLU()
        self.pool1 = nn.MaxPool2d(3, stride=2, padding=1)
        self.basic1 = Basic(64)
        self.basic2 = Basic(64)
        self.layer2 = Stage(64, 128)
        self.layer3 = Stage(128, 256)
        self.layer4 = Stage(256, 512)
        self.pool2 = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Linear(512, 1000)

    def forward(self, x: torch.Tensor, log_probs: bool = False) -> torch.Tensor:
        """(N, 3, 224, 224) -> (N, 1000); log-probabilities if log_probs."""
        x = self.conv1(x)  # (N, 64, 112, 112)
        x = self.bn1(x)  # (N, 64, 112, 112)
        x = self.relu1(x)  # (N, 64, 112, 112)
        x = self.pool1(x)  # (N, 64, 56, 56)
        x = self.basic1(x)  # (N, 64, 56, 56)
        x = self.basic2(x)  # (N, 64, 56, 56)
        x = self.layer2(x)  # (N, 128, 28, 28)
        x = self.layer3(x)  # (N, 256, 14, 14)
        x = self.layer4(x)  # (N, 512, 7, 7)
        x = self.pool2(x)  # (N, 512, 1, 1)
        x = torch.flatten(x, 1)  # (N, 512)
        x = self.fc1(x)  # (N, 1000)
        if log_probs:
            return F.log_softmax(x, dim=1)  # (N, 1000)
        return x

    @torch.jit.export
    def log_probabilities(self, x: torch.Tensor) -> torch.Tensor:
        """Log-probabilities (log_softmax over dim 1), for NLL training."""
        return self.forward(x, log_probs=True)


if __name__ == "__main__":
    model = ResNet18().eval()
    with torch.no_grad():
        output = model(torch.randn(2, *INPUT_SHAPE))
    print(f"output shape: {tuple(output.shape)}")
