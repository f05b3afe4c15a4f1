"""DenseNet121: a PyTorch module compiled by netspec 0.1.0.

Spec: densenet121.net. Weights: PyTorch's defaults.
Parameters: 7,978,856. MACs: 2,834,161,664 per sample (FLOPs = 2 x MACs).
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


class DenseLayer(nn.Module):
    """The block `dense_layer` (defined on line 9); 58 instances in this network."""

    def __init__(self, in_channels: int, growth: int) -> None:
        super().__init__()
        self.branch2 = nn.Sequential(
            OrderedDict(
                bn1=nn.BatchNorm2d(in_channels),
                relu1=nn.ReLU(),
                conv1=nn.Conv2d(in_channels, growth * 4, kernel_size=1, bias=False),
                bn2=nn.BatchNorm2d(growth * 4),
                relu2=nn.ReLU(),
                conv2=nn.Conv2d(
                    growth * 4, growth, kernel_size=3, padding=1, bias=False
                ),
            )
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        branch2 = self.branch2(x)  # (N, 32, H, W)
        x = torch.cat([x, branch2], dim=1)  # (N, C, H, W)
        return x


class DenseBlock(nn.Module):
    """The block `dense_block` (defined on line 23); 1 instance in this network."""

    def __init__(self, in_channels: int, layers: int, growth: int) -> None:
        super().__init__()
        self.dense_layer1 = DenseLayer(in_channels, growth)
        self.dense_layer2 = DenseLayer(layers * 16, growth)
        self.dense_layer3 = DenseLayer(growth * 4, growth)
        self.dense_layer4 = DenseLayer(160, growth)
        self.dense_layer5 = DenseLayer(growth * 6, growth)
        self.dense_layer6 = DenseLayer(224, growth)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.dense_layer1(x)  # (N, 96, 56, 56)
        x = self.dense_layer2(x)  # (N, 128, 56, 56)
        x = self.dense_layer3(x)  # (N, 160, 56, 56)
        x = self.dense_layer4(x)  # (N, 192, 56, 56)
        x = self.dense_layer5(x)  # (N, 224, 56, 56)
        x = self.dense_layer6(x)  # (N, 256, 56, 56)
        return x


class Transition(nn.Module):
    """The block `transition` (defined on line 28); 3 instances in this network."""

    def __init__(self, in_channels: int, channels: int) -> None:
        super().__init__()
        self.bn1 = nn.BatchNorm2d(channels * 2)
        self.relu1 = nn.ReLU()
        self.conv1 = nn.Conv2d(in_channels, channels, kernel_size=1, bias=False)
        self.pool1 = nn.AvgPool2d(2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.bn1(x)  # (N, channels * 2, H, W)
        x = self.relu1(x)  # (N, channels * 2, H, W)
        x = self.conv1(x)  # (N, channels, H, W)
        x = self.pool1(x)  # (N, channels, H/2, W/2)
        return x


class DenseBlock2(nn.Module):
    """The block `dense_block` (defined on line 23); 1 instance in this network."""

    def __init__(self, in_channels: int, layers: int, growth: int) -> None:
        super().__init__()
        self.dense_layer1 = DenseLayer(in_channels, growth)
        self.dense_layer2 = DenseLayer(160, growth)
        self.dense_layer3 = DenseLayer(layers * 16, growth)
        self.dense_layer4 = DenseLayer(224, growth)
        self.dense_layer5 = DenseLayer(growth * 8, growth)
        self.dense_layer6 = DenseLayer(288, growth)
        self.dense_layer7 = DenseLayer(320, growth)
        self.dense_layer8 = DenseLayer(352, growth)
        self.dense_layer9 = DenseLayer(384, growth)
        self.dense_layer10 = DenseLayer(416, growth)
        self.dense_layer11 = DenseLayer(448, growth)
        self.dense_layer12 = DenseLayer(480, growth)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.dense_layer1(x)  # (N, 160, 28, 28)
        x = self.dense_layer2(x)  # (N, 192, 28, 28)
        x = self.dense_layer3(x)  # (N, 224, 28, 28)
        x = self.dense_layer4(x)  # (N, 256, 28, 28)
        x = self.dense_layer5(x)  # (N, 288, 28, 28)
        x = self.dense_layer6(x)  # (N, 320, 28, 28)
        x = self.dense_layer7(x)  # (N, 352, 28, 28)
        x = self.dense_layer8(x)  # (N, 384, 28, 28)
        x = self.dense_layer9(x)  # (N, 416, 28, 28)
        x = self.dense_layer10(x)  # (N, 448, 28, 28)
        x = self.dense_layer11(x)  # (N, 480, 28, 28)
        x = self.dense_layer12(x)  # (N, 512, 28, 28)
        return x


class DenseBlock3(nn.Module):
    """The block `dense_block` (defined on line 23); 1 instance in this network."""

    def __init__(self, in_channels: int, layers: int, growth: int) -> None:
        super().__init__()
        self.dense_layer1 = DenseLayer(in_channels, growth)
        self.dense_layer2 = DenseLayer(288, growth)
        self.dense_layer3 = DenseLayer(320, growth)
        self.dense_layer4 = DenseLayer(352, growth)
        self.dense_layer5 = DenseLayer(layers * 16, growth)
        self.dense_layer6 = DenseLayer(416, growth)
        self.dense_layer7 = DenseLayer(448, growth)
        self.dense_layer8 = DenseLayer(480, growth)
        self.dense_layer9 = DenseLayer(growth * 16, growth)
        self.dense_layer10 = DenseLayer(544, growth)
        self.dense_layer11 = DenseLayer(576, growth)
        self.dense_layer12 = DenseLayer(608, growth)
        self.dense_layer13 = DenseLayer(640, growth)
        self.dense_layer14 = DenseLayer(672, growth)
        self.dense_layer15 = DenseLayer(704, growth)
        self.dense_layer16 = DenseLayer(736, growth)
        self.dense_layer17 = DenseLayer(768, growth)
        self.dense_layer18 = DenseLayer(800, growth)
        self.dense_layer19 = DenseLayer(832, growth)
        self.dense_layer20 = DenseLayer(864, growth)
        self.dense_layer21 = DenseLayer(896, growth)
        self.dense_layer22 = DenseLayer(928, growth)
        self.dense_layer23 = DenseLayer(960, growth)
        self.dense_layer24 = DenseLayer(992, growth)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.dense_layer1(x)  # (N, 288, 14, 14)
        x = self.dense_layer2(x)  # (N, 320, 14, 14)
        x = self.dense_layer3(x)  # (N, 352, 14, 14)
        x = self.dense_layer4(x)  # (N, 384, 14, 14)
        x = self.dense_layer5(x)  # (N, 416, 14, 14)
        x = self.dense_layer6(x)  # (N, 448, 14, 14)
        x = self.dense_layer7(x)  # (N, 480, 14, 14)
        x = self.dense_layer8(x)  # (N, 512, 14, 14)
        x = self.dense_layer9(x)  # (N, 544, 14, 14)
        x = self.dense_layer10(x)  # (N, 576, 14, 14)
        x = self.dense_layer11(x)  # (N, 608, 14, 14)
        x = self.dense_layer12(x)  # (N, 640, 14, 14)
        x = self.dense_layer13(x)  # (N, 672, 14, 14)
        x = self.dense_layer14(x)  # (N, 704, 14, 14)
        x = self.dense_layer15(x)  # (N, 736, 14, 14)
        x = self.dense_layer16(x)  # (N, 768, 14, 14)
        x = self.dense_layer17(x)  # (N, 800, 14, 14)
        x = self.dense_layer18(x)  # (N, 832, 14, 14)
        x = self.dense_layer19(x)  # (N, 864, 14, 14)
        x = self.dense_layer20(x)  # (N, 896, 14, 14)
        x = self.dense_layer21(x)  # (N, 928, 14, 14)
        x = self.dense_layer22(x)  # (N, 960, 14, 14)
        x = self.dense_layer23(x)  # (N, 992, 14, 14)
        x = self.dense_layer24(x)  # (N, 1024, 14, 14)
        return x


class DenseBlock4(nn.Module):
    """The block `dense_block` (defined on line 23); 1 instance in this network."""

    def __init__(self, in_channels: int, growth: int) -> None:
        super().__init__()
        self.dense_layer1 = DenseLayer(in_channels, growth)
        self.dense_layer2 = DenseLayer(544, growth)
        self.dense_layer3 = DenseLayer(576, growth)
        self.dense_layer4 = DenseLayer(608, growth)
        self.dense_layer5 = DenseLayer(640, growth)
        self.dense_layer6 = DenseLayer(672, growth)
        self.dense_layer7 = DenseLayer(704, growth)
        self.dense_layer8 = DenseLayer(736, growth)
        self.dense_layer9 = DenseLayer(768, growth)
        self.dense_layer10 = DenseLayer(800, growth)
        self.dense_layer11 = DenseLayer(832, growth)
        self.dense_layer12 = DenseLayer(864, growth)
        self.dense_layer13 = DenseLayer(896, growth)
        self.dense_layer14 = DenseLayer(928, growth)
        self.dense_layer15 = DenseLayer(960, growth)
        self.dense_layer16 = DenseLayer(992, growth)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.dense_layer1(x)  # (N, 544, 7, 7)
        x = self.dense_layer2(x)  # (N, 576, 7, 7)
        x = self.dense_layer3(x)  # (N, 608, 7, 7)
        x = self.dense_layer4(x)  # (N, 640, 7, 7)
        x = self.dense_layer5(x)  # (N, 672, 7, 7)
        x = self.dense_layer6(x)  # (N, 704, 7, 7)
        x = self.dense_layer7(x)  # (N, 736, 7, 7)
        x = self.dense_layer8(x)  # (N, 768, 7, 7)
        x = self.dense_layer9(x)  # (N, 800, 7, 7)
        x = self.dense_layer10(x)  # (N, 832, 7, 7)
        x = self.dense_layer11(x)  # (N, 864, 7, 7)
        x = self.dense_layer12(x)  # (N, 896, 7, 7)
        x = self.dense_layer13(x)  # (N, 928, 7, 7)
        x = self.dense_layer14(x)  # (N, 960, 7, 7)
        x = self.dense_layer15(x)  # (N, 992, 7, 7)
        x = self.dense_layer16(x)  # (N, 1024, 7, 7)
        return x


class DenseNet121(nn.Module):
    """DenseNet121, as specified in densenet121.net."""

    def __init__(self) -> None:
        super().__init__()
        self.conv0 = nn.Conv2d(3, 64, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu1 = nn.ReLU()
        self.pool1 = nn.MaxPool2d(3, stride=2, padding=1)
        self.denseblock1 = DenseBlock(64, 6, 32)
        self.transition1 = Transition(256, 128)
        self.denseblock2 = DenseBlock2(128, 12, 32)
        self.transition2 = Transition(512, 256)
        self.denseblock3 = DenseBlock3(256, 24, 32)
        self.transition3 = Transition(1024, 512)
        self.denseblock4 = DenseBlock4(512, 32)
        self.bn2 = nn.BatchNorm2d(1024)
        self.relu2 = nn.ReLU()
        self.pool2 = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Linear(1024, 1000)

    def forward(self, x: torch.Tensor, log_probs: bool = False) -> torch.Tensor:
        """(N, 3, 224, 224) -> (N, 1000); log-probabilities if log_probs."""
        x = self.conv0(x)  # (N, 64, 112, 112)
        x = self.bn1(x)  # (N, 64, 112, 112)
        x = self.relu1(x)  # (N, 64, 112, 112)
        x = self.pool1(x)  # (N, 64, 56, 56)
        x = self.denseblock1(x)  # (N, 256, 56, 56)
        x = self.transition1(x)  # (N, 128, 28, 28)
        x = self.denseblock2(x)  # (N, 512, 28, 28)
        x = self.transition2(x)  # (N, 256, 14, 14)
        x = self.denseblock3(x)  # (N, 1024, 14, 14)
        x = self.transition3(x)  # (N, 512, 7, 7)
        x = self.denseblock4(x)  # (N, 1024, 7, 7)
        x = self.bn2(x)  # (N, 1024, 7, 7)
        x = self.relu2(x)  # (N, 1024, 7, 7)
        x = self.pool2(x)  # (N, 1024, 1, 1)
        x = torch.flatten(x, 1)  # (N, 1024)
        x = self.fc1(x)  # (N, 1000)
        if log_probs:
            return F.log_softmax(x, dim=1)  # (N, 1000)
        return x

    @torch.jit.export
    def log_probabilities(self, x: torch.Tensor) -> torch.Tensor:
        """Log-probabilities (log_softmax over dim 1), for NLL training."""
        return self.forward(x, log_probs=True)


if __name__ == "__main__":
    model = DenseNet121().eval()
    with torch.no_grad():
        output = model(torch.randn(2, *INPUT_SHAPE))
    print(f"output shape: {tuple(output.shape)}")
