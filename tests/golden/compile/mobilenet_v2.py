"""MobileNetV2: a PyTorch module compiled by netspec 0.1.0.

Spec: mobilenet_v2.net. Weights: PyTorch's defaults.
Parameters: 3,504,872. MACs: 300,774,272 per sample (FLOPs = 2 x MACs).
Input (N, 3, 224, 224) -> output (N, 1000), N being the batch size.

`model(x)` gives the network's output. For NLL training, `model(x, log_probs=True)`
(or `model.log_probabilities(x)`) gives its log_softmax over dim 1.

Needs only torch. `python` on this file runs a random batch through the network and
prints the output shape.
"""

import torch
import torch.nn.functional as F
from torch import nn

INPUT_SHAPE = (3, 224, 224)  # (C, H, W) of one sample


class Inverted(nn.Module):
    """The block `inverted` (defined on line 10); 16 instances in this network."""

    def __init__(self, cin: int, cout: int, stride: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(cin, cin * 6, kernel_size=1, bias=False)
        self.bn1 = nn.BatchNorm2d(cin * 6)
        self.relu6_1 = nn.ReLU6()
        self.conv2 = nn.Conv2d(
            cin * 6,
            cin * 6,
            kernel_size=3,
            stride=stride,
            padding=1,
            groups=cin * 6,
            bias=False,
        )
        self.bn2 = nn.BatchNorm2d(cin * 6)
        self.relu6_2 = nn.ReLU6()
        self.conv3 = nn.Conv2d(cin * 6, cout, kernel_size=1, bias=False)
        self.bn3 = nn.BatchNorm2d(cout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.conv1(x)  # (N, cin * 6, H, W)
        x = self.bn1(x)  # (N, cin * 6, H, W)
        x = self.relu6_1(x)  # (N, cin * 6, H, W)
        x = self.conv2(x)  # (N, cin * 6, H', W')
        x = self.bn2(x)  # (N, cin * 6, H', W')
        x = self.relu6_2(x)  # (N, cin * 6, H', W')
        x = self.conv3(x)  # (N, cout, H', W')
        x = self.bn3(x)  # (N, cout, H', W')
        return x


class InvertedResidual(nn.Module):
    """The block `inverted_residual` (defined on line 22).

    10 instances in this network.
    """

    def __init__(self, c: int) -> None:
        super().__init__()
        self.inverted1 = Inverted(c, c, 1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        identity = x  # (N, c, H, W)
        x = self.inverted1(x)  # (N, c, H, W)
        x = x + identity  # (N, c, H, W): residual
        return x


class Bottleneck(nn.Module):
    """The block `bottleneck` (defined on line 27); 1 instance in this network."""

    def __init__(self, cin: int, cout: int, n: int) -> None:
        super().__init__()
        self.inverted1 = Inverted(cin, cout, n)
        self.inverted_residual1 = InvertedResidual(cout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.inverted1(x)  # (N, 24, 56, 56)
        x = self.inverted_residual1(x)  # (N, 24, 56, 56)
        return x


class Bottleneck2(nn.Module):
    """The block `bottleneck` (defined on line 27); 3 instances in this network."""

    def __init__(self, cin: int, cout: int, stride: int) -> None:
        super().__init__()
        self.inverted1 = Inverted(cin, cout, stride)
        self.inverted_residual1 = InvertedResidual(cout)
        self.inverted_residual2 = InvertedResidual(cout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.inverted1(x)  # (N, cout, H', W')
        x = self.inverted_residual1(x)  # (N, cout, H', W')
        x = self.inverted_residual2(x)  # (N, cout, H', W')
        return x


class Bottleneck3(nn.Module):
    """The block `bottleneck` (defined on line 27); 1 instance in this network."""

    def __init__(self, cin: int, cout: int, stride: int) -> None:
        super().__init__()
        self.inverted1 = Inverted(cin, cout, stride)
        self.inverted_residual1 = InvertedResidual(cout)
        self.inverted_residual2 = InvertedResidual(cout)
        self.inverted_residual3 = InvertedResidual(cout)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.inverted1(x)  # (N, 64, 14, 14)
        x = self.inverted_residual1(x)  # (N, 64, 14, 14)
        x = self.inverted_residual2(x)  # (N, 64, 14, 14)
        x = self.inverted_residual3(x)  # (N, 64, 14, 14)
        return x


class MobileNetV2(nn.Module):
    """MobileNetV2, as specified in mobilenet_v2.net."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(3, 32, kernel_size=3, stride=2, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(32)
        self.relu6_1 = nn.ReLU6()
        self.conv2 = nn.Conv2d(32, 32, kernel_size=3, padding=1, groups=32, bias=False)
        self.bn2 = nn.BatchNorm2d(32)
        self.relu6_2 = nn.ReLU6()
        self.conv3 = nn.Conv2d(32, 16, kernel_size=1, bias=False)
        self.bn3 = nn.BatchNorm2d(16)
        self.bottleneck1 = Bottleneck(16, 24, 2)
        self.bottleneck2 = Bottleneck2(24, 32, 2)
        self.bottleneck3 = Bottleneck3(32, 64, 2)
        self.bottleneck4 = Bottleneck2(64, 96, 1)
        self.bottleneck5 = Bottleneck2(96, 160, 2)
        self.inverted1 = Inverted(160, 320, 1)
        self.conv4 = nn.Conv2d(320, 1280, kernel_size=1, bias=False)
        self.bn4 = nn.BatchNorm2d(1280)
        self.relu6_3 = nn.ReLU6()
        self.pool1 = nn.AdaptiveAvgPool2d(1)
        self.dropout1 = nn.Dropout(0.2)
        self.fc1 = nn.Linear(1280, 1000)

    def forward(self, x: torch.Tensor, log_probs: bool = False) -> torch.Tensor:
        """(N, 3, 224, 224) -> (N, 1000); log-probabilities if log_probs."""
        x = self.conv1(x)  # (N, 32, 112, 112)
        x = self.bn1(x)  # (N, 32, 112, 112)
        x = self.relu6_1(x)  # (N, 32, 112, 112)
        x = self.conv2(x)  # (N, 32, 112, 112)
        x = self.bn2(x)  # (N, 32, 112, 112)
        x = self.relu6_2(x)  # (N, 32, 112, 112)
        x = self.conv3(x)  # (N, 16, 112, 112)
        x = self.bn3(x)  # (N, 16, 112, 112)
        x = self.bottleneck1(x)  # (N, 24, 56, 56)
        x = self.bottleneck2(x)  # (N, 32, 28, 28)
        x = self.bottleneck3(x)  # (N, 64, 14, 14)
        x = self.bottleneck4(x)  # (N, 96, 14, 14)
        x = self.bottleneck5(x)  # (N, 160, 7, 7)
        x = self.inverted1(x)  # (N, 320, 7, 7)
        x = self.conv4(x)  # (N, 1280, 7, 7)
        x = self.bn4(x)  # (N, 1280, 7, 7)
        x = self.relu6_3(x)  # (N, 1280, 7, 7)
        x = self.pool1(x)  # (N, 1280, 1, 1)
        x = self.dropout1(x)  # (N, 1280, 1, 1)
        x = torch.flatten(x, 1)  # (N, 1280)
        x = self.fc1(x)  # (N, 1000)
        if log_probs:
            return F.log_softmax(x, dim=1)  # (N, 1000)
        return x

    @torch.jit.export
    def log_probabilities(self, x: torch.Tensor) -> torch.Tensor:
        """Log-probabilities (log_softmax over dim 1), for NLL training."""
        return self.forward(x, log_probs=True)


if __name__ == "__main__":
    model = MobileNetV2().eval()
    with torch.no_grad():
        output = model(torch.randn(2, *INPUT_SHAPE))
    print(f"output shape: {tuple(output.shape)}")
