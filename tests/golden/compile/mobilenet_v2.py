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


class MobileNetV2(nn.Module):
    """MobileNetV2, as specified in mobilenet_v2.net."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(3, 32, kernel_size=3, stride=2, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(32)
        self.relu61 = nn.ReLU6()
        self.conv2 = nn.Conv2d(32, 32, kernel_size=3, padding=1, groups=32, bias=False)
        self.bn2 = nn.BatchNorm2d(32)
        self.relu62 = nn.ReLU6()
        self.conv3 = nn.Conv2d(32, 16, kernel_size=1, bias=False)
        self.bn3 = nn.BatchNorm2d(16)
        self.bottleneck1_inverted1_conv1 = nn.Conv2d(16, 96, kernel_size=1, bias=False)
        self.bottleneck1_inverted1_bn1 = nn.BatchNorm2d(96)
        self.bottleneck1_inverted1_relu61 = nn.ReLU6()
        self.bottleneck1_inverted1_conv2 = nn.Conv2d(
            96, 96, kernel_size=3, stride=2, padding=1, groups=96, bias=False
        )
        self.bottleneck1_inverted1_bn2 = nn.BatchNorm2d(96)
        self.bottleneck1_inverted1_relu62 = nn.ReLU6()
        self.bottleneck1_inverted1_conv3 = nn.Conv2d(96, 24, kernel_size=1, bias=False)
        self.bottleneck1_inverted1_bn3 = nn.BatchNorm2d(24)
        self.bottleneck1_inverted_residual1_inverted1_conv1 = nn.Conv2d(
            24, 144, kernel_size=1, bias=False
        )
        self.bottleneck1_inverted_residual1_inverted1_bn1 = nn.BatchNorm2d(144)
        self.bottleneck1_inverted_residual1_inverted1_relu61 = nn.ReLU6()
        self.bottleneck1_inverted_residual1_inverted1_conv2 = nn.Conv2d(
            144, 144, kernel_size=3, padding=1, groups=144, bias=False
        )
        self.bottleneck1_inverted_residual1_inverted1_bn2 = nn.BatchNorm2d(144)
        self.bottleneck1_inverted_residual1_inverted1_relu62 = nn.ReLU6()
        self.bottleneck1_inverted_residual1_inverted1_conv3 = nn.Conv2d(
            144, 24, kernel_size=1, bias=False
        )
        self.bottleneck1_inverted_residual1_inverted1_bn3 = nn.BatchNorm2d(24)
        self.bottleneck2_inverted1_conv1 = nn.Conv2d(24, 144, kernel_size=1, bias=False)
        self.bottleneck2_inverted1_bn1 = nn.BatchNorm2d(144)
        self.bottleneck2_inverted1_relu61 = nn.ReLU6()
        self.bottleneck2_inverted1_conv2 = nn.Conv2d(
            144, 144, kernel_size=3, stride=2, padding=1, groups=144, bias=False
        )
        self.bottleneck2_inverted1_bn2 = nn.BatchNorm2d(144)
        self.bottleneck2_inverted1_relu62 = nn.ReLU6()
        self.bottleneck2_inverted1_conv3 = nn.Conv2d(144, 32, kernel_size=1, bias=False)
        self.bottleneck2_inverted1_bn3 = nn.BatchNorm2d(32)
        self.bottleneck2_inverted_residual1_inverted1_conv1 = nn.Conv2d(
            32, 192, kernel_size=1, bias=False
        )
        self.bottleneck2_inverted_residual1_inverted1_bn1 = nn.BatchNorm2d(192)
        self.bottleneck2_inverted_residual1_inverted1_relu61 = nn.ReLU6()
        self.bottleneck2_inverted_residual1_inverted1_conv2 = nn.Conv2d(
            192, 192, kernel_size=3, padding=1, groups=192, bias=False
        )
        self.bottleneck2_inverted_residual1_inverted1_bn2 = nn.BatchNorm2d(192)
        self.bottleneck2_inverted_residual1_inverted1_relu62 = nn.ReLU6()
        self.bottleneck2_inverted_residual1_inverted1_conv3 = nn.Conv2d(
            192, 32, kernel_size=1, bias=False
        )
        self.bottleneck2_inverted_residual1_inverted1_bn3 = nn.BatchNorm2d(32)
        self.bottleneck2_inverted_residual2_inverted1_conv1 = nn.Conv2d(
            32, 192, kernel_size=1, bias=False
        )
        self.bottleneck2_inverted_residual2_inverted1_bn1 = nn.BatchNorm2d(192)
        self.bottleneck2_inverted_residual2_inverted1_relu61 = nn.ReLU6()
        self.bottleneck2_inverted_residual2_inverted1_conv2 = nn.Conv2d(
            192, 192, kernel_size=3, padding=1, groups=192, bias=False
        )
        self.bottleneck2_inverted_residual2_inverted1_bn2 = nn.BatchNorm2d(192)
        self.bottleneck2_inverted_residual2_inverted1_relu62 = nn.ReLU6()
        self.bottleneck2_inverted_residual2_inverted1_conv3 = nn.Conv2d(
            192, 32, kernel_size=1, bias=False
        )
        self.bottleneck2_inverted_residual2_inverted1_bn3 = nn.BatchNorm2d(32)
        self.bottleneck3_inverted1_conv1 = nn.Conv2d(32, 192, kernel_size=1, bias=False)
        self.bottleneck3_inverted1_bn1 = nn.BatchNorm2d(192)
        self.bottleneck3_inverted1_relu61 = nn.ReLU6()
        self.bottleneck3_inverted1_conv2 = nn.Conv2d(
            192, 192, kernel_size=3, stride=2, padding=1, groups=192, bias=False
        )
        self.bottleneck3_inverted1_bn2 = nn.BatchNorm2d(192)
        self.bottleneck3_inverted1_relu62 = nn.ReLU6()
        self.bottleneck3_inverted1_conv3 = nn.Conv2d(192, 64, kernel_size=1, bias=False)
        self.bottleneck3_inverted1_bn3 = nn.BatchNorm2d(64)
        self.bottleneck3_inverted_residual1_inverted1_conv1 = nn.Conv2d(
            64, 384, kernel_size=1, bias=False
        )
        self.bottleneck3_inverted_residual1_inverted1_bn1 = nn.BatchNorm2d(384)
        self.bottleneck3_inverted_residual1_inverted1_relu61 = nn.ReLU6()
        self.bottleneck3_inverted_residual1_inverted1_conv2 = nn.Conv2d(
            384, 384, kernel_size=3, padding=1, groups=384, bias=False
        )
        self.bottleneck3_inverted_residual1_inverted1_bn2 = nn.BatchNorm2d(384)
        self.bottleneck3_inverted_residual1_inverted1_relu62 = nn.ReLU6()
        self.bottleneck3_inverted_residual1_inverted1_conv3 = nn.Conv2d(
            384, 64, kernel_size=1, bias=False
        )
        self.bottleneck3_inverted_residual1_inverted1_bn3 = nn.BatchNorm2d(64)
        self.bottleneck3_inverted_residual2_inverted1_conv1 = nn.Conv2d(
            64, 384, kernel_size=1, bias=False
        )
        self.bottleneck3_inverted_residual2_inverted1_bn1 = nn.BatchNorm2d(384)
        self.bottleneck3_inverted_residual2_inverted1_relu61 = nn.ReLU6()
        self.bottleneck3_inverted_residual2_inverted1_conv2 = nn.Conv2d(
            384, 384, kernel_size=3, padding=1, groups=384, bias=False
        )
        self.bottleneck3_inverted_residual2_inverted1_bn2 = nn.BatchNorm2d(384)
        self.bottleneck3_inverted_residual2_inverted1_relu62 = nn.ReLU6()
        self.bottleneck3_inverted_residual2_inverted1_conv3 = nn.Conv2d(
            384, 64, kernel_size=1, bias=False
        )
        self.bottleneck3_inverted_residual2_inverted1_bn3 = nn.BatchNorm2d(64)
        self.bottleneck3_inverted_residual3_inverted1_conv1 = nn.Conv2d(
            64, 384, kernel_size=1, bias=False
        )
        self.bottleneck3_inverted_residual3_inverted1_bn1 = nn.BatchNorm2d(384)
        self.bottleneck3_inverted_residual3_inverted1_relu61 = nn.ReLU6()
        self.bottleneck3_inverted_residual3_inverted1_conv2 = nn.Conv2d(
            384, 384, kernel_size=3, padding=1, groups=384, bias=False
        )
        self.bottleneck3_inverted_residual3_inverted1_bn2 = nn.BatchNorm2d(384)
        self.bottleneck3_inverted_residual3_inverted1_relu62 = nn.ReLU6()
        self.bottleneck3_inverted_residual3_inverted1_conv3 = nn.Conv2d(
            384, 64, kernel_size=1, bias=False
        )
        self.bottleneck3_inverted_residual3_inverted1_bn3 = nn.BatchNorm2d(64)
        self.bottleneck4_inverted1_conv1 = nn.Conv2d(64, 384, kernel_size=1, bias=False)
        self.bottleneck4_inverted1_bn1 = nn.BatchNorm2d(384)
        self.bottleneck4_inverted1_relu61 = nn.ReLU6()
        self.bottleneck4_inverted1_conv2 = nn.Conv2d(
            384, 384, kernel_size=3, padding=1, groups=384, bias=False
        )
        self.bottleneck4_inverted1_bn2 = nn.BatchNorm2d(384)
        self.bottleneck4_inverted1_relu62 = nn.ReLU6()
        self.bottleneck4_inverted1_conv3 = nn.Conv2d(384, 96, kernel_size=1, bias=False)
        self.bottleneck4_inverted1_bn3 = nn.BatchNorm2d(96)
        self.bottleneck4_inverted_residual1_inverted1_conv1 = nn.Conv2d(
            96, 576, kernel_size=1, bias=False
        )
        self.bottleneck4_inverted_residual1_inverted1_bn1 = nn.BatchNorm2d(576)
        self.bottleneck4_inverted_residual1_inverted1_relu61 = nn.ReLU6()
        self.bottleneck4_inverted_residual1_inverted1_conv2 = nn.Conv2d(
            576, 576, kernel_size=3, padding=1, groups=576, bias=False
        )
        self.bottleneck4_inverted_residual1_inverted1_bn2 = nn.BatchNorm2d(576)
        self.bottleneck4_inverted_residual1_inverted1_relu62 = nn.ReLU6()
        self.bottleneck4_inverted_residual1_inverted1_conv3 = nn.Conv2d(
            576, 96, kernel_size=1, bias=False
        )
        self.bottleneck4_inverted_residual1_inverted1_bn3 = nn.BatchNorm2d(96)
        self.bottleneck4_inverted_residual2_inverted1_conv1 = nn.Conv2d(
            96, 576, kernel_size=1, bias=False
        )
        self.bottleneck4_inverted_residual2_inverted1_bn1 = nn.BatchNorm2d(576)
        self.bottleneck4_inverted_residual2_inverted1_relu61 = nn.ReLU6()
        self.bottleneck4_inverted_residual2_inverted1_conv2 = nn.Conv2d(
            576, 576, kernel_size=3, padding=1, groups=576, bias=False
        )
        self.bottleneck4_inverted_residual2_inverted1_bn2 = nn.BatchNorm2d(576)
        self.bottleneck4_inverted_residual2_inverted1_relu62 = nn.ReLU6()
        self.bottleneck4_inverted_residual2_inverted1_conv3 = nn.Conv2d(
            576, 96, kernel_size=1, bias=False
        )
        self.bottleneck4_inverted_residual2_inverted1_bn3 = nn.BatchNorm2d(96)
        self.bottleneck5_inverted1_conv1 = nn.Conv2d(96, 576, kernel_size=1, bias=False)
        self.bottleneck5_inverted1_bn1 = nn.BatchNorm2d(576)
        self.bottleneck5_inverted1_relu61 = nn.ReLU6()
        self.bottleneck5_inverted1_conv2 = nn.Conv2d(
            576, 576, kernel_size=3, stride=2, padding=1, groups=576, bias=False
        )
        self.bottleneck5_inverted1_bn2 = nn.BatchNorm2d(576)
        self.bottleneck5_inverted1_relu62 = nn.ReLU6()
        self.bottleneck5_inverted1_conv3 = nn.Conv2d(
            576, 160, kernel_size=1, bias=False
        )
        self.bottleneck5_inverted1_bn3 = nn.BatchNorm2d(160)
        self.bottleneck5_inverted_residual1_inverted1_conv1 = nn.Conv2d(
            160, 960, kernel_size=1, bias=False
        )
        self.bottleneck5_inverted_residual1_inverted1_bn1 = nn.BatchNorm2d(960)
        self.bottleneck5_inverted_residual1_inverted1_relu61 = nn.ReLU6()
        self.bottleneck5_inverted_residual1_inverted1_conv2 = nn.Conv2d(
            960, 960, kernel_size=3, padding=1, groups=960, bias=False
        )
        self.bottleneck5_inverted_residual1_inverted1_bn2 = nn.BatchNorm2d(960)
        self.bottleneck5_inverted_residual1_inverted1_relu62 = nn.ReLU6()
        self.bottleneck5_inverted_residual1_inverted1_conv3 = nn.Conv2d(
            960, 160, kernel_size=1, bias=False
        )
        self.bottleneck5_inverted_residual1_inverted1_bn3 = nn.BatchNorm2d(160)
        self.bottleneck5_inverted_residual2_inverted1_conv1 = nn.Conv2d(
            160, 960, kernel_size=1, bias=False
        )
        self.bottleneck5_inverted_residual2_inverted1_bn1 = nn.BatchNorm2d(960)
        self.bottleneck5_inverted_residual2_inverted1_relu61 = nn.ReLU6()
        self.bottleneck5_inverted_residual2_inverted1_conv2 = nn.Conv2d(
            960, 960, kernel_size=3, padding=1, groups=960, bias=False
        )
        self.bottleneck5_inverted_residual2_inverted1_bn2 = nn.BatchNorm2d(960)
        self.bottleneck5_inverted_residual2_inverted1_relu62 = nn.ReLU6()
        self.bottleneck5_inverted_residual2_inverted1_conv3 = nn.Conv2d(
            960, 160, kernel_size=1, bias=False
        )
        self.bottleneck5_inverted_residual2_inverted1_bn3 = nn.BatchNorm2d(160)
        self.inverted1_conv1 = nn.Conv2d(160, 960, kernel_size=1, bias=False)
        self.inverted1_bn1 = nn.BatchNorm2d(960)
        self.inverted1_relu61 = nn.ReLU6()
        self.inverted1_conv2 = nn.Conv2d(
            960, 960, kernel_size=3, padding=1, groups=960, bias=False
        )
        self.inverted1_bn2 = nn.BatchNorm2d(960)
        self.inverted1_relu62 = nn.ReLU6()
        self.inverted1_conv3 = nn.Conv2d(960, 320, kernel_size=1, bias=False)
        self.inverted1_bn3 = nn.BatchNorm2d(320)
        self.conv4 = nn.Conv2d(320, 1280, kernel_size=1, bias=False)
        self.bn4 = nn.BatchNorm2d(1280)
        self.relu63 = nn.ReLU6()
        self.pool1 = nn.AdaptiveAvgPool2d(1)
        self.dropout1 = nn.Dropout(0.2)
        self.fc1 = nn.Linear(1280, 1000)

    def forward(self, x: torch.Tensor, log_probs: bool = False) -> torch.Tensor:
        """(N, 3, 224, 224) -> (N, 1000); log-probabilities if log_probs."""
        x = self.conv1(x)  # (N, 32, 112, 112)
        x = self.bn1(x)  # (N, 32, 112, 112)
        x = self.relu61(x)  # (N, 32, 112, 112)
        x = self.conv2(x)  # (N, 32, 112, 112)
        x = self.bn2(x)  # (N, 32, 112, 112)
        x = self.relu62(x)  # (N, 32, 112, 112)
        x = self.conv3(x)  # (N, 16, 112, 112)
        x = self.bn3(x)  # (N, 16, 112, 112)
        x = self.bottleneck1_inverted1_conv1(x)  # (N, 96, 112, 112)
        x = self.bottleneck1_inverted1_bn1(x)  # (N, 96, 112, 112)
        x = self.bottleneck1_inverted1_relu61(x)  # (N, 96, 112, 112)
        x = self.bottleneck1_inverted1_conv2(x)  # (N, 96, 56, 56)
        x = self.bottleneck1_inverted1_bn2(x)  # (N, 96, 56, 56)
        x = self.bottleneck1_inverted1_relu62(x)  # (N, 96, 56, 56)
        x = self.bottleneck1_inverted1_conv3(x)  # (N, 24, 56, 56)
        x = self.bottleneck1_inverted1_bn3(x)  # (N, 24, 56, 56)
        identity = x  # (N, 24, 56, 56)
        x = self.bottleneck1_inverted_residual1_inverted1_conv1(x)  # (N, 144, 56, 56)
        x = self.bottleneck1_inverted_residual1_inverted1_bn1(x)  # (N, 144, 56, 56)
        x = self.bottleneck1_inverted_residual1_inverted1_relu61(x)  # (N, 144, 56, 56)
        x = self.bottleneck1_inverted_residual1_inverted1_conv2(x)  # (N, 144, 56, 56)
        x = self.bottleneck1_inverted_residual1_inverted1_bn2(x)  # (N, 144, 56, 56)
        x = self.bottleneck1_inverted_residual1_inverted1_relu62(x)  # (N, 144, 56, 56)
        x = self.bottleneck1_inverted_residual1_inverted1_conv3(x)  # (N, 24, 56, 56)
        x = self.bottleneck1_inverted_residual1_inverted1_bn3(x)  # (N, 24, 56, 56)
        x = x + identity  # (N, 24, 56, 56): residual
        x = self.bottleneck2_inverted1_conv1(x)  # (N, 144, 56, 56)
        x = self.bottleneck2_inverted1_bn1(x)  # (N, 144, 56, 56)
        x = self.bottleneck2_inverted1_relu61(x)  # (N, 144, 56, 56)
        x = self.bottleneck2_inverted1_conv2(x)  # (N, 144, 28, 28)
        x = self.bottleneck2_inverted1_bn2(x)  # (N, 144, 28, 28)
        x = self.bottleneck2_inverted1_relu62(x)  # (N, 144, 28, 28)
        x = self.bottleneck2_inverted1_conv3(x)  # (N, 32, 28, 28)
        x = self.bottleneck2_inverted1_bn3(x)  # (N, 32, 28, 28)
        identity = x  # (N, 32, 28, 28)
        x = self.bottleneck2_inverted_residual1_inverted1_conv1(x)  # (N, 192, 28, 28)
        x = self.bottleneck2_inverted_residual1_inverted1_bn1(x)  # (N, 192, 28, 28)
        x = self.bottleneck2_inverted_residual1_inverted1_relu61(x)  # (N, 192, 28, 28)
        x = self.bottleneck2_inverted_residual1_inverted1_conv2(x)  # (N, 192, 28, 28)
        x = self.bottleneck2_inverted_residual1_inverted1_bn2(x)  # (N, 192, 28, 28)
        x = self.bottleneck2_inverted_residual1_inverted1_relu62(x)  # (N, 192, 28, 28)
        x = self.bottleneck2_inverted_residual1_inverted1_conv3(x)  # (N, 32, 28, 28)
        x = self.bottleneck2_inverted_residual1_inverted1_bn3(x)  # (N, 32, 28, 28)
        x = x + identity  # (N, 32, 28, 28): residual
        identity = x  # (N, 32, 28, 28)
        x = self.bottleneck2_inverted_residual2_inverted1_conv1(x)  # (N, 192, 28, 28)
        x = self.bottleneck2_inverted_residual2_inverted1_bn1(x)  # (N, 192, 28, 28)
        x = self.bottleneck2_inverted_residual2_inverted1_relu61(x)  # (N, 192, 28, 28)
        x = self.bottleneck2_inverted_residual2_inverted1_conv2(x)  # (N, 192, 28, 28)
        x = self.bottleneck2_inverted_residual2_inverted1_bn2(x)  # (N, 192, 28, 28)
        x = self.bottleneck2_inverted_residual2_inverted1_relu62(x)  # (N, 192, 28, 28)
        x = self.bottleneck2_inverted_residual2_inverted1_conv3(x)  # (N, 32, 28, 28)
        x = self.bottleneck2_inverted_residual2_inverted1_bn3(x)  # (N, 32, 28, 28)
        x = x + identity  # (N, 32, 28, 28): residual
        x = self.bottleneck3_inverted1_conv1(x)  # (N, 192, 28, 28)
        x = self.bottleneck3_inverted1_bn1(x)  # (N, 192, 28, 28)
        x = self.bottleneck3_inverted1_relu61(x)  # (N, 192, 28, 28)
        x = self.bottleneck3_inverted1_conv2(x)  # (N, 192, 14, 14)
        x = self.bottleneck3_inverted1_bn2(x)  # (N, 192, 14, 14)
        x = self.bottleneck3_inverted1_relu62(x)  # (N, 192, 14, 14)
        x = self.bottleneck3_inverted1_conv3(x)  # (N, 64, 14, 14)
        x = self.bottleneck3_inverted1_bn3(x)  # (N, 64, 14, 14)
        identity = x  # (N, 64, 14, 14)
        x = self.bottleneck3_inverted_residual1_inverted1_conv1(x)  # (N, 384, 14, 14)
        x = self.bottleneck3_inverted_residual1_inverted1_bn1(x)  # (N, 384, 14, 14)
        x = self.bottleneck3_inverted_residual1_inverted1_relu61(x)  # (N, 384, 14, 14)
        x = self.bottleneck3_inverted_residual1_inverted1_conv2(x)  # (N, 384, 14, 14)
        x = self.bottleneck3_inverted_residual1_inverted1_bn2(x)  # (N, 384, 14, 14)
        x = self.bottleneck3_inverted_residual1_inverted1_relu62(x)  # (N, 384, 14, 14)
        x = self.bottleneck3_inverted_residual1_inverted1_conv3(x)  # (N, 64, 14, 14)
        x = self.bottleneck3_inverted_residual1_inverted1_bn3(x)  # (N, 64, 14, 14)
        x = x + identity  # (N, 64, 14, 14): residual
        identity = x  # (N, 64, 14, 14)
        x = self.bottleneck3_inverted_residual2_inverted1_conv1(x)  # (N, 384, 14, 14)
        x = self.bottleneck3_inverted_residual2_inverted1_bn1(x)  # (N, 384, 14, 14)
        x = self.bottleneck3_inverted_residual2_inverted1_relu61(x)  # (N, 384, 14, 14)
        x = self.bottleneck3_inverted_residual2_inverted1_conv2(x)  # (N, 384, 14, 14)
        x = self.bottleneck3_inverted_residual2_inverted1_bn2(x)  # (N, 384, 14, 14)
        x = self.bottleneck3_inverted_residual2_inverted1_relu62(x)  # (N, 384, 14, 14)
        x = self.bottleneck3_inverted_residual2_inverted1_conv3(x)  # (N, 64, 14, 14)
        x = self.bottleneck3_inverted_residual2_inverted1_bn3(x)  # (N, 64, 14, 14)
        x = x + identity  # (N, 64, 14, 14): residual
        identity = x  # (N, 64, 14, 14)
        x = self.bottleneck3_inverted_residual3_inverted1_conv1(x)  # (N, 384, 14, 14)
        x = self.bottleneck3_inverted_residual3_inverted1_bn1(x)  # (N, 384, 14, 14)
        x = self.bottleneck3_inverted_residual3_inverted1_relu61(x)  # (N, 384, 14, 14)
        x = self.bottleneck3_inverted_residual3_inverted1_conv2(x)  # (N, 384, 14, 14)
        x = self.bottleneck3_inverted_residual3_inverted1_bn2(x)  # (N, 384, 14, 14)
        x = self.bottleneck3_inverted_residual3_inverted1_relu62(x)  # (N, 384, 14, 14)
        x = self.bottleneck3_inverted_residual3_inverted1_conv3(x)  # (N, 64, 14, 14)
        x = self.bottleneck3_inverted_residual3_inverted1_bn3(x)  # (N, 64, 14, 14)
        x = x + identity  # (N, 64, 14, 14): residual
        x = self.bottleneck4_inverted1_conv1(x)  # (N, 384, 14, 14)
        x = self.bottleneck4_inverted1_bn1(x)  # (N, 384, 14, 14)
        x = self.bottleneck4_inverted1_relu61(x)  # (N, 384, 14, 14)
        x = self.bottleneck4_inverted1_conv2(x)  # (N, 384, 14, 14)
        x = self.bottleneck4_inverted1_bn2(x)  # (N, 384, 14, 14)
        x = self.bottleneck4_inverted1_relu62(x)  # (N, 384, 14, 14)
        x = self.bottleneck4_inverted1_conv3(x)  # (N, 96, 14, 14)
        x = self.bottleneck4_inverted1_bn3(x)  # (N, 96, 14, 14)
        identity = x  # (N, 96, 14, 14)
        x = self.bottleneck4_inverted_residual1_inverted1_conv1(x)  # (N, 576, 14, 14)
        x = self.bottleneck4_inverted_residual1_inverted1_bn1(x)  # (N, 576, 14, 14)
        x = self.bottleneck4_inverted_residual1_inverted1_relu61(x)  # (N, 576, 14, 14)
        x = self.bottleneck4_inverted_residual1_inverted1_conv2(x)  # (N, 576, 14, 14)
        x = self.bottleneck4_inverted_residual1_inverted1_bn2(x)  # (N, 576, 14, 14)
        x = self.bottleneck4_inverted_residual1_inverted1_relu62(x)  # (N, 576, 14, 14)
        x = self.bottleneck4_inverted_residual1_inverted1_conv3(x)  # (N, 96, 14, 14)
        x = self.bottleneck4_inverted_residual1_inverted1_bn3(x)  # (N, 96, 14, 14)
        x = x + identity  # (N, 96, 14, 14): residual
        identity = x  # (N, 96, 14, 14)
        x = self.bottleneck4_inverted_residual2_inverted1_conv1(x)  # (N, 576, 14, 14)
        x = self.bottleneck4_inverted_residual2_inverted1_bn1(x)  # (N, 576, 14, 14)
        x = self.bottleneck4_inverted_residual2_inverted1_relu61(x)  # (N, 576, 14, 14)
        x = self.bottleneck4_inverted_residual2_inverted1_conv2(x)  # (N, 576, 14, 14)
        x = self.bottleneck4_inverted_residual2_inverted1_bn2(x)  # (N, 576, 14, 14)
        x = self.bottleneck4_inverted_residual2_inverted1_relu62(x)  # (N, 576, 14, 14)
        x = self.bottleneck4_inverted_residual2_inverted1_conv3(x)  # (N, 96, 14, 14)
        x = self.bottleneck4_inverted_residual2_inverted1_bn3(x)  # (N, 96, 14, 14)
        x = x + identity  # (N, 96, 14, 14): residual
        x = self.bottleneck5_inverted1_conv1(x)  # (N, 576, 14, 14)
        x = self.bottleneck5_inverted1_bn1(x)  # (N, 576, 14, 14)
        x = self.bottleneck5_inverted1_relu61(x)  # (N, 576, 14, 14)
        x = self.bottleneck5_inverted1_conv2(x)  # (N, 576, 7, 7)
        x = self.bottleneck5_inverted1_bn2(x)  # (N, 576, 7, 7)
        x = self.bottleneck5_inverted1_relu62(x)  # (N, 576, 7, 7)
        x = self.bottleneck5_inverted1_conv3(x)  # (N, 160, 7, 7)
        x = self.bottleneck5_inverted1_bn3(x)  # (N, 160, 7, 7)
        identity = x  # (N, 160, 7, 7)
        x = self.bottleneck5_inverted_residual1_inverted1_conv1(x)  # (N, 960, 7, 7)
        x = self.bottleneck5_inverted_residual1_inverted1_bn1(x)  # (N, 960, 7, 7)
        x = self.bottleneck5_inverted_residual1_inverted1_relu61(x)  # (N, 960, 7, 7)
        x = self.bottleneck5_inverted_residual1_inverted1_conv2(x)  # (N, 960, 7, 7)
        x = self.bottleneck5_inverted_residual1_inverted1_bn2(x)  # (N, 960, 7, 7)
        x = self.bottleneck5_inverted_residual1_inverted1_relu62(x)  # (N, 960, 7, 7)
        x = self.bottleneck5_inverted_residual1_inverted1_conv3(x)  # (N, 160, 7, 7)
        x = self.bottleneck5_inverted_residual1_inverted1_bn3(x)  # (N, 160, 7, 7)
        x = x + identity  # (N, 160, 7, 7): residual
        identity = x  # (N, 160, 7, 7)
        x = self.bottleneck5_inverted_residual2_inverted1_conv1(x)  # (N, 960, 7, 7)
        x = self.bottleneck5_inverted_residual2_inverted1_bn1(x)  # (N, 960, 7, 7)
        x = self.bottleneck5_inverted_residual2_inverted1_relu61(x)  # (N, 960, 7, 7)
        x = self.bottleneck5_inverted_residual2_inverted1_conv2(x)  # (N, 960, 7, 7)
        x = self.bottleneck5_inverted_residual2_inverted1_bn2(x)  # (N, 960, 7, 7)
        x = self.bottleneck5_inverted_residual2_inverted1_relu62(x)  # (N, 960, 7, 7)
        x = self.bottleneck5_inverted_residual2_inverted1_conv3(x)  # (N, 160, 7, 7)
        x = self.bottleneck5_inverted_residual2_inverted1_bn3(x)  # (N, 160, 7, 7)
        x = x + identity  # (N, 160, 7, 7): residual
        x = self.inverted1_conv1(x)  # (N, 960, 7, 7)
        x = self.inverted1_bn1(x)  # (N, 960, 7, 7)
        x = self.inverted1_relu61(x)  # (N, 960, 7, 7)
        x = self.inverted1_conv2(x)  # (N, 960, 7, 7)
        x = self.inverted1_bn2(x)  # (N, 960, 7, 7)
        x = self.inverted1_relu62(x)  # (N, 960, 7, 7)
        x = self.inverted1_conv3(x)  # (N, 320, 7, 7)
        x = self.inverted1_bn3(x)  # (N, 320, 7, 7)
        x = self.conv4(x)  # (N, 1280, 7, 7)
        x = self.bn4(x)  # (N, 1280, 7, 7)
        x = self.relu63(x)  # (N, 1280, 7, 7)
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
