"""GoogLeNet: a PyTorch module compiled by netspec 0.1.0.

Spec: googlenet.net. Weights: PyTorch's defaults.
Parameters: 6,624,904. MACs: 1,498,376,192 per sample (FLOPs = 2 x MACs).
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


class Basicconv(nn.Module):
    """The block `basicconv` (defined on line 9); 57 instances in this network."""

    def __init__(
        self,
        in_channels: int,
        filters: int,
        stride: int,
        pad: int,
        conv1_kernel_size: int,
    ) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(
            in_channels,
            filters,
            kernel_size=conv1_kernel_size,
            stride=stride,
            padding=pad,
            bias=False,
        )
        self.bn1 = nn.BatchNorm2d(filters, eps=0.001)
        self.relu1 = nn.ReLU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.conv1(x)  # (N, filters, H', W')
        x = self.bn1(x)  # (N, filters, H', W')
        x = self.relu1(x)  # (N, filters, H', W')
        return x


class Inception(nn.Module):
    """The block `inception` (defined on line 16); 9 instances in this network."""

    def __init__(
        self,
        in_channels: int,
        ch1x1: int,
        ch3x3red: int,
        ch3x3: int,
        ch5x5red: int,
        ch5x5: int,
        pool_proj: int,
    ) -> None:
        super().__init__()
        self.branch1 = nn.Sequential(
            OrderedDict(basicconv1=Basicconv(in_channels, ch1x1, 1, 0, 1))
        )
        self.branch2 = nn.Sequential(
            OrderedDict(
                basicconv1=Basicconv(in_channels, ch3x3red, 1, 0, 1),
                basicconv2=Basicconv(ch3x3red, ch3x3, 1, 1, 3),
            )
        )
        self.branch3 = nn.Sequential(
            OrderedDict(
                basicconv1=Basicconv(in_channels, ch5x5red, 1, 0, 1),
                basicconv2=Basicconv(ch5x5red, ch5x5, 1, 1, 3),
            )
        )
        self.branch4 = nn.Sequential(
            OrderedDict(
                pool1=nn.MaxPool2d(3, stride=1, padding=1, ceil_mode=True),
                basicconv1=Basicconv(in_channels, pool_proj, 1, 0, 1),
            )
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        branch1 = self.branch1(x)  # (N, ch1x1, H, W)
        branch2 = self.branch2(x)  # (N, ch3x3, H, W)
        branch3 = self.branch3(x)  # (N, ch5x5, H, W)
        branch4 = self.branch4(x)  # (N, pool_proj, H, W)
        x = torch.cat([branch1, branch2, branch3, branch4], dim=1)  # (N, C, H, W)
        return x


class GoogLeNet(nn.Module):
    """GoogLeNet, as specified in googlenet.net."""

    def __init__(self) -> None:
        super().__init__()
        self.basicconv1 = Basicconv(3, 64, 2, 3, 7)
        self.pool1 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.basicconv2 = Basicconv(64, 64, 1, 0, 1)
        self.basicconv3 = Basicconv(64, 192, 1, 1, 3)
        self.pool2 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.inception3a = Inception(192, 64, 96, 128, 16, 32, 32)
        self.inception3b = Inception(256, 128, 128, 192, 32, 96, 64)
        self.pool3 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.inception4a = Inception(480, 192, 96, 208, 16, 48, 64)
        self.inception4b = Inception(512, 160, 112, 224, 24, 64, 64)
        self.inception4c = Inception(512, 128, 128, 256, 24, 64, 64)
        self.inception4d = Inception(512, 112, 144, 288, 32, 64, 64)
        self.inception4e = Inception(528, 256, 160, 320, 32, 128, 128)
        self.pool4 = nn.MaxPool2d(2, ceil_mode=True)
        self.inception5a = Inception(832, 256, 160, 320, 32, 128, 128)
        self.inception5b = Inception(832, 384, 192, 384, 48, 128, 128)
        self.pool5 = nn.AdaptiveAvgPool2d(1)
        self.dropout1 = nn.Dropout(0.2)
        self.fc1 = nn.Linear(1024, 1000)

    def forward(self, x: torch.Tensor, log_probs: bool = False) -> torch.Tensor:
        """(N, 3, 224, 224) -> (N, 1000); log-probabilities if log_probs."""
        x = self.basicconv1(x)  # (N, 64, 112, 112)
        x = self.pool1(x)  # (N, 64, 56, 56)
        x = self.basicconv2(x)  # (N, 64, 56, 56)
        x = self.basicconv3(x)  # (N, 192, 56, 56)
        x = self.pool2(x)  # (N, 192, 28, 28)
        x = self.inception3a(x)  # (N, 256, 28, 28)
        x = self.inception3b(x)  # (N, 480, 28, 28)
        x = self.pool3(x)  # (N, 480, 14, 14)
        x = self.inception4a(x)  # (N, 512, 14, 14)
        x = self.inception4b(x)  # (N, 512, 14, 14)
        x = self.inception4c(x)  # (N, 512, 14, 14)
        x = self.inception4d(x)  # (N, 528, 14, 14)
        x = self.inception4e(x)  # (N, 832, 14, 14)
        x = self.pool4(x)  # (N, 832, 7, 7)
        x = self.inception5a(x)  # (N, 832, 7, 7)
        x = self.inception5b(x)  # (N, 1024, 7, 7)
        x = self.pool5(x)  # (N, 1024, 1, 1)
        x = self.dropout1(x)  # (N, 1024, 1, 1)
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
    model = GoogLeNet().eval()
    with torch.no_grad():
        output = model(torch.randn(2, *INPUT_SHAPE))
    print(f"output shape: {tuple(output.shape)}")
