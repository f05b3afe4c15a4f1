"""ResNet50: a PyTorch module compiled by netspec 0.1.0.

Spec: resnet50.net. Weights: PyTorch's defaults.
Parameters: 25,557,032. MACs: 4,089,184,256 per sample (FLOPs = 2 x MACs).
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


class ResNet50(nn.Module):
    """ResNet50, as specified in resnet50.net."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu1 = nn.ReLU()
        self.pool1 = nn.MaxPool2d(3, stride=2, padding=1)
        self.layer1_bottleneck_down1_conv1 = nn.Conv2d(
            64, 64, kernel_size=1, bias=False
        )
        self.layer1_bottleneck_down1_bn1 = nn.BatchNorm2d(64)
        self.layer1_bottleneck_down1_relu1 = nn.ReLU()
        self.layer1_bottleneck_down1_conv2 = nn.Conv2d(
            64, 64, kernel_size=3, padding=1, bias=False
        )
        self.layer1_bottleneck_down1_bn2 = nn.BatchNorm2d(64)
        self.layer1_bottleneck_down1_relu2 = nn.ReLU()
        self.layer1_bottleneck_down1_conv3 = nn.Conv2d(
            64, 256, kernel_size=1, bias=False
        )
        self.layer1_bottleneck_down1_bn3 = nn.BatchNorm2d(256)
        self.layer1_bottleneck_down1_shortcut_conv1 = nn.Conv2d(
            64, 256, kernel_size=1, bias=False
        )
        self.layer1_bottleneck_down1_shortcut_bn1 = nn.BatchNorm2d(256)
        self.layer1_bottleneck_down1_relu3 = nn.ReLU()
        self.layer1_bottleneck1_conv1 = nn.Conv2d(256, 64, kernel_size=1, bias=False)
        self.layer1_bottleneck1_bn1 = nn.BatchNorm2d(64)
        self.layer1_bottleneck1_relu1 = nn.ReLU()
        self.layer1_bottleneck1_conv2 = nn.Conv2d(
            64, 64, kernel_size=3, padding=1, bias=False
        )
        self.layer1_bottleneck1_bn2 = nn.BatchNorm2d(64)
        self.layer1_bottleneck1_relu2 = nn.ReLU()
        self.layer1_bottleneck1_conv3 = nn.Conv2d(64, 256, kernel_size=1, bias=False)
        self.layer1_bottleneck1_bn3 = nn.BatchNorm2d(256)
        self.layer1_bottleneck1_relu3 = nn.ReLU()
        self.layer1_bottleneck2_conv1 = nn.Conv2d(256, 64, kernel_size=1, bias=False)
        self.layer1_bottleneck2_bn1 = nn.BatchNorm2d(64)
        self.layer1_bottleneck2_relu1 = nn.ReLU()
        self.layer1_bottleneck2_conv2 = nn.Conv2d(
            64, 64, kernel_size=3, padding=1, bias=False
        )
        self.layer1_bottleneck2_bn2 = nn.BatchNorm2d(64)
        self.layer1_bottleneck2_relu2 = nn.ReLU()
        self.layer1_bottleneck2_conv3 = nn.Conv2d(64, 256, kernel_size=1, bias=False)
        self.layer1_bottleneck2_bn3 = nn.BatchNorm2d(256)
        self.layer1_bottleneck2_relu3 = nn.ReLU()
        self.layer2_bottleneck_down1_conv1 = nn.Conv2d(
            256, 128, kernel_size=1, bias=False
        )
        self.layer2_bottleneck_down1_bn1 = nn.BatchNorm2d(128)
        self.layer2_bottleneck_down1_relu1 = nn.ReLU()
        self.layer2_bottleneck_down1_conv2 = nn.Conv2d(
            128, 128, kernel_size=3, stride=2, padding=1, bias=False
        )
        self.layer2_bottleneck_down1_bn2 = nn.BatchNorm2d(128)
        self.layer2_bottleneck_down1_relu2 = nn.ReLU()
        self.layer2_bottleneck_down1_conv3 = nn.Conv2d(
            128, 512, kernel_size=1, bias=False
        )
        self.layer2_bottleneck_down1_bn3 = nn.BatchNorm2d(512)
        self.layer2_bottleneck_down1_shortcut_conv1 = nn.Conv2d(
            256, 512, kernel_size=1, stride=2, bias=False
        )
        self.layer2_bottleneck_down1_shortcut_bn1 = nn.BatchNorm2d(512)
        self.layer2_bottleneck_down1_relu3 = nn.ReLU()
        self.layer2_bottleneck1_conv1 = nn.Conv2d(512, 128, kernel_size=1, bias=False)
        self.layer2_bottleneck1_bn1 = nn.BatchNorm2d(128)
        self.layer2_bottleneck1_relu1 = nn.ReLU()
        self.layer2_bottleneck1_conv2 = nn.Conv2d(
            128, 128, kernel_size=3, padding=1, bias=False
        )
        self.layer2_bottleneck1_bn2 = nn.BatchNorm2d(128)
        self.layer2_bottleneck1_relu2 = nn.ReLU()
        self.layer2_bottleneck1_conv3 = nn.Conv2d(128, 512, kernel_size=1, bias=False)
        self.layer2_bottleneck1_bn3 = nn.BatchNorm2d(512)
        self.layer2_bottleneck1_relu3 = nn.ReLU()
        self.layer2_bottleneck2_conv1 = nn.Conv2d(512, 128, kernel_size=1, bias=False)
        self.layer2_bottleneck2_bn1 = nn.BatchNorm2d(128)
        self.layer2_bottleneck2_relu1 = nn.ReLU()
        self.layer2_bottleneck2_conv2 = nn.Conv2d(
            128, 128, kernel_size=3, padding=1, bias=False
        )
        self.layer2_bottleneck2_bn2 = nn.BatchNorm2d(128)
        self.layer2_bottleneck2_relu2 = nn.ReLU()
        self.layer2_bottleneck2_conv3 = nn.Conv2d(128, 512, kernel_size=1, bias=False)
        self.layer2_bottleneck2_bn3 = nn.BatchNorm2d(512)
        self.layer2_bottleneck2_relu3 = nn.ReLU()
        self.layer2_bottleneck3_conv1 = nn.Conv2d(512, 128, kernel_size=1, bias=False)
        self.layer2_bottleneck3_bn1 = nn.BatchNorm2d(128)
        self.layer2_bottleneck3_relu1 = nn.ReLU()
        self.layer2_bottleneck3_conv2 = nn.Conv2d(
            128, 128, kernel_size=3, padding=1, bias=False
        )
        self.layer2_bottleneck3_bn2 = nn.BatchNorm2d(128)
        self.layer2_bottleneck3_relu2 = nn.ReLU()
        self.layer2_bottleneck3_conv3 = nn.Conv2d(128, 512, kernel_size=1, bias=False)
        self.layer2_bottleneck3_bn3 = nn.BatchNorm2d(512)
        self.layer2_bottleneck3_relu3 = nn.ReLU()
        self.layer3_bottleneck_down1_conv1 = nn.Conv2d(
            512, 256, kernel_size=1, bias=False
        )
        self.layer3_bottleneck_down1_bn1 = nn.BatchNorm2d(256)
        self.layer3_bottleneck_down1_relu1 = nn.ReLU()
        self.layer3_bottleneck_down1_conv2 = nn.Conv2d(
            256, 256, kernel_size=3, stride=2, padding=1, bias=False
        )
        self.layer3_bottleneck_down1_bn2 = nn.BatchNorm2d(256)
        self.layer3_bottleneck_down1_relu2 = nn.ReLU()
        self.layer3_bottleneck_down1_conv3 = nn.Conv2d(
            256, 1024, kernel_size=1, bias=False
        )
        self.layer3_bottleneck_down1_bn3 = nn.BatchNorm2d(1024)
        self.layer3_bottleneck_down1_shortcut_conv1 = nn.Conv2d(
            512, 1024, kernel_size=1, stride=2, bias=False
        )
        self.layer3_bottleneck_down1_shortcut_bn1 = nn.BatchNorm2d(1024)
        self.layer3_bottleneck_down1_relu3 = nn.ReLU()
        self.layer3_bottleneck1_conv1 = nn.Conv2d(1024, 256, kernel_size=1, bias=False)
        self.layer3_bottleneck1_bn1 = nn.BatchNorm2d(256)
        self.layer3_bottleneck1_relu1 = nn.ReLU()
        self.layer3_bottleneck1_conv2 = nn.Conv2d(
            256, 256, kernel_size=3, padding=1, bias=False
        )
        self.layer3_bottleneck1_bn2 = nn.BatchNorm2d(256)
        self.layer3_bottleneck1_relu2 = nn.ReLU()
        self.layer3_bottleneck1_conv3 = nn.Conv2d(256, 1024, kernel_size=1, bias=False)
        self.layer3_bottleneck1_bn3 = nn.BatchNorm2d(1024)
        self.layer3_bottleneck1_relu3 = nn.ReLU()
        self.layer3_bottleneck2_conv1 = nn.Conv2d(1024, 256, kernel_size=1, bias=False)
        self.layer3_bottleneck2_bn1 = nn.BatchNorm2d(256)
        self.layer3_bottleneck2_relu1 = nn.ReLU()
        self.layer3_bottleneck2_conv2 = nn.Conv2d(
            256, 256, kernel_size=3, padding=1, bias=False
        )
        self.layer3_bottleneck2_bn2 = nn.BatchNorm2d(256)
        self.layer3_bottleneck2_relu2 = nn.ReLU()
        self.layer3_bottleneck2_conv3 = nn.Conv2d(256, 1024, kernel_size=1, bias=False)
        self.layer3_bottleneck2_bn3 = nn.BatchNorm2d(1024)
        self.layer3_bottleneck2_relu3 = nn.ReLU()
        self.layer3_bottleneck3_conv1 = nn.Conv2d(1024, 256, kernel_size=1, bias=False)
        self.layer3_bottleneck3_bn1 = nn.BatchNorm2d(256)
        self.layer3_bottleneck3_relu1 = nn.ReLU()
        self.layer3_bottleneck3_conv2 = nn.Conv2d(
            256, 256, kernel_size=3, padding=1, bias=False
        )
        self.layer3_bottleneck3_bn2 = nn.BatchNorm2d(256)
        self.layer3_bottleneck3_relu2 = nn.ReLU()
        self.layer3_bottleneck3_conv3 = nn.Conv2d(256, 1024, kernel_size=1, bias=False)
        self.layer3_bottleneck3_bn3 = nn.BatchNorm2d(1024)
        self.layer3_bottleneck3_relu3 = nn.ReLU()
        self.layer3_bottleneck4_conv1 = nn.Conv2d(1024, 256, kernel_size=1, bias=False)
        self.layer3_bottleneck4_bn1 = nn.BatchNorm2d(256)
        self.layer3_bottleneck4_relu1 = nn.ReLU()
        self.layer3_bottleneck4_conv2 = nn.Conv2d(
            256, 256, kernel_size=3, padding=1, bias=False
        )
        self.layer3_bottleneck4_bn2 = nn.BatchNorm2d(256)
        self.layer3_bottleneck4_relu2 = nn.ReLU()
        self.layer3_bottleneck4_conv3 = nn.Conv2d(256, 1024, kernel_size=1, bias=False)
        self.layer3_bottleneck4_bn3 = nn.BatchNorm2d(1024)
        self.layer3_bottleneck4_relu3 = nn.ReLU()
        self.layer3_bottleneck5_conv1 = nn.Conv2d(1024, 256, kernel_size=1, bias=False)
        self.layer3_bottleneck5_bn1 = nn.BatchNorm2d(256)
        self.layer3_bottleneck5_relu1 = nn.ReLU()
        self.layer3_bottleneck5_conv2 = nn.Conv2d(
            256, 256, kernel_size=3, padding=1, bias=False
        )
        self.layer3_bottleneck5_bn2 = nn.BatchNorm2d(256)
        self.layer3_bottleneck5_relu2 = nn.ReLU()
        self.layer3_bottleneck5_conv3 = nn.Conv2d(256, 1024, kernel_size=1, bias=False)
        self.layer3_bottleneck5_bn3 = nn.BatchNorm2d(1024)
        self.layer3_bottleneck5_relu3 = nn.ReLU()
        self.layer4_bottleneck_down1_conv1 = nn.Conv2d(
            1024, 512, kernel_size=1, bias=False
        )
        self.layer4_bottleneck_down1_bn1 = nn.BatchNorm2d(512)
        self.layer4_bottleneck_down1_relu1 = nn.ReLU()
        self.layer4_bottleneck_down1_conv2 = nn.Conv2d(
            512, 512, kernel_size=3, stride=2, padding=1, bias=False
        )
        self.layer4_bottleneck_down1_bn2 = nn.BatchNorm2d(512)
        self.layer4_bottleneck_down1_relu2 = nn.ReLU()
        self.layer4_bottleneck_down1_conv3 = nn.Conv2d(
            512, 2048, kernel_size=1, bias=False
        )
        self.layer4_bottleneck_down1_bn3 = nn.BatchNorm2d(2048)
        self.layer4_bottleneck_down1_shortcut_conv1 = nn.Conv2d(
            1024, 2048, kernel_size=1, stride=2, bias=False
        )
        self.layer4_bottleneck_down1_shortcut_bn1 = nn.BatchNorm2d(2048)
        self.layer4_bottleneck_down1_relu3 = nn.ReLU()
        self.layer4_bottleneck1_conv1 = nn.Conv2d(2048, 512, kernel_size=1, bias=False)
        self.layer4_bottleneck1_bn1 = nn.BatchNorm2d(512)
        self.layer4_bottleneck1_relu1 = nn.ReLU()
        self.layer4_bottleneck1_conv2 = nn.Conv2d(
            512, 512, kernel_size=3, padding=1, bias=False
        )
        self.layer4_bottleneck1_bn2 = nn.BatchNorm2d(512)
        self.layer4_bottleneck1_relu2 = nn.ReLU()
        self.layer4_bottleneck1_conv3 = nn.Conv2d(512, 2048, kernel_size=1, bias=False)
        self.layer4_bottleneck1_bn3 = nn.BatchNorm2d(2048)
        self.layer4_bottleneck1_relu3 = nn.ReLU()
        self.layer4_bottleneck2_conv1 = nn.Conv2d(2048, 512, kernel_size=1, bias=False)
        self.layer4_bottleneck2_bn1 = nn.BatchNorm2d(512)
        self.layer4_bottleneck2_relu1 = nn.ReLU()
        self.layer4_bottleneck2_conv2 = nn.Conv2d(
            512, 512, kernel_size=3, padding=1, bias=False
        )
        self.layer4_bottleneck2_bn2 = nn.BatchNorm2d(512)
        self.layer4_bottleneck2_relu2 = nn.ReLU()
        self.layer4_bottleneck2_conv3 = nn.Conv2d(512, 2048, kernel_size=1, bias=False)
        self.layer4_bottleneck2_bn3 = nn.BatchNorm2d(2048)
        self.layer4_bottleneck2_relu3 = nn.ReLU()
        self.pool2 = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Linear(2048, 1000)

    def forward(self, x: torch.Tensor, log_probs: bool = False) -> torch.Tensor:
        """(N, 3, 224, 224) -> (N, 1000); log-probabilities if log_probs."""
        x = self.conv1(x)  # (N, 64, 112, 112)
        x = self.bn1(x)  # (N, 64, 112, 112)
        x = self.relu1(x)  # (N, 64, 112, 112)
        x = self.pool1(x)  # (N, 64, 56, 56)
        identity = x  # (N, 64, 56, 56)
        x = self.layer1_bottleneck_down1_conv1(x)  # (N, 64, 56, 56)
        x = self.layer1_bottleneck_down1_bn1(x)  # (N, 64, 56, 56)
        x = self.layer1_bottleneck_down1_relu1(x)  # (N, 64, 56, 56)
        x = self.layer1_bottleneck_down1_conv2(x)  # (N, 64, 56, 56)
        x = self.layer1_bottleneck_down1_bn2(x)  # (N, 64, 56, 56)
        x = self.layer1_bottleneck_down1_relu2(x)  # (N, 64, 56, 56)
        x = self.layer1_bottleneck_down1_conv3(x)  # (N, 256, 56, 56)
        x = self.layer1_bottleneck_down1_bn3(x)  # (N, 256, 56, 56)
        # (N, 256, 56, 56)
        identity = self.layer1_bottleneck_down1_shortcut_conv1(identity)
        # (N, 256, 56, 56)
        identity = self.layer1_bottleneck_down1_shortcut_bn1(identity)
        x = x + identity  # (N, 256, 56, 56): residual
        x = self.layer1_bottleneck_down1_relu3(x)  # (N, 256, 56, 56)
        identity = x  # (N, 256, 56, 56)
        x = self.layer1_bottleneck1_conv1(x)  # (N, 64, 56, 56)
        x = self.layer1_bottleneck1_bn1(x)  # (N, 64, 56, 56)
        x = self.layer1_bottleneck1_relu1(x)  # (N, 64, 56, 56)
        x = self.layer1_bottleneck1_conv2(x)  # (N, 64, 56, 56)
        x = self.layer1_bottleneck1_bn2(x)  # (N, 64, 56, 56)
        x = self.layer1_bottleneck1_relu2(x)  # (N, 64, 56, 56)
        x = self.layer1_bottleneck1_conv3(x)  # (N, 256, 56, 56)
        x = self.layer1_bottleneck1_bn3(x)  # (N, 256, 56, 56)
        x = x + identity  # (N, 256, 56, 56): residual
        x = self.layer1_bottleneck1_relu3(x)  # (N, 256, 56, 56)
        identity = x  # (N, 256, 56, 56)
        x = self.layer1_bottleneck2_conv1(x)  # (N, 64, 56, 56)
        x = self.layer1_bottleneck2_bn1(x)  # (N, 64, 56, 56)
        x = self.layer1_bottleneck2_relu1(x)  # (N, 64, 56, 56)
        x = self.layer1_bottleneck2_conv2(x)  # (N, 64, 56, 56)
        x = self.layer1_bottleneck2_bn2(x)  # (N, 64, 56, 56)
        x = self.layer1_bottleneck2_relu2(x)  # (N, 64, 56, 56)
        x = self.layer1_bottleneck2_conv3(x)  # (N, 256, 56, 56)
        x = self.layer1_bottleneck2_bn3(x)  # (N, 256, 56, 56)
        x = x + identity  # (N, 256, 56, 56): residual
        x = self.layer1_bottleneck2_relu3(x)  # (N, 256, 56, 56)
        identity = x  # (N, 256, 56, 56)
        x = self.layer2_bottleneck_down1_conv1(x)  # (N, 128, 56, 56)
        x = self.layer2_bottleneck_down1_bn1(x)  # (N, 128, 56, 56)
        x = self.layer2_bottleneck_down1_relu1(x)  # (N, 128, 56, 56)
        x = self.layer2_bottleneck_down1_conv2(x)  # (N, 128, 28, 28)
        x = self.layer2_bottleneck_down1_bn2(x)  # (N, 128, 28, 28)
        x = self.layer2_bottleneck_down1_relu2(x)  # (N, 128, 28, 28)
        x = self.layer2_bottleneck_down1_conv3(x)  # (N, 512, 28, 28)
        x = self.layer2_bottleneck_down1_bn3(x)  # (N, 512, 28, 28)
        # (N, 512, 28, 28)
        identity = self.layer2_bottleneck_down1_shortcut_conv1(identity)
        # (N, 512, 28, 28)
        identity = self.layer2_bottleneck_down1_shortcut_bn1(identity)
        x = x + identity  # (N, 512, 28, 28): residual
        x = self.layer2_bottleneck_down1_relu3(x)  # (N, 512, 28, 28)
        identity = x  # (N, 512, 28, 28)
        x = self.layer2_bottleneck1_conv1(x)  # (N, 128, 28, 28)
        x = self.layer2_bottleneck1_bn1(x)  # (N, 128, 28, 28)
        x = self.layer2_bottleneck1_relu1(x)  # (N, 128, 28, 28)
        x = self.layer2_bottleneck1_conv2(x)  # (N, 128, 28, 28)
        x = self.layer2_bottleneck1_bn2(x)  # (N, 128, 28, 28)
        x = self.layer2_bottleneck1_relu2(x)  # (N, 128, 28, 28)
        x = self.layer2_bottleneck1_conv3(x)  # (N, 512, 28, 28)
        x = self.layer2_bottleneck1_bn3(x)  # (N, 512, 28, 28)
        x = x + identity  # (N, 512, 28, 28): residual
        x = self.layer2_bottleneck1_relu3(x)  # (N, 512, 28, 28)
        identity = x  # (N, 512, 28, 28)
        x = self.layer2_bottleneck2_conv1(x)  # (N, 128, 28, 28)
        x = self.layer2_bottleneck2_bn1(x)  # (N, 128, 28, 28)
        x = self.layer2_bottleneck2_relu1(x)  # (N, 128, 28, 28)
        x = self.layer2_bottleneck2_conv2(x)  # (N, 128, 28, 28)
        x = self.layer2_bottleneck2_bn2(x)  # (N, 128, 28, 28)
        x = self.layer2_bottleneck2_relu2(x)  # (N, 128, 28, 28)
        x = self.layer2_bottleneck2_conv3(x)  # (N, 512, 28, 28)
        x = self.layer2_bottleneck2_bn3(x)  # (N, 512, 28, 28)
        x = x + identity  # (N, 512, 28, 28): residual
        x = self.layer2_bottleneck2_relu3(x)  # (N, 512, 28, 28)
        identity = x  # (N, 512, 28, 28)
        x = self.layer2_bottleneck3_conv1(x)  # (N, 128, 28, 28)
        x = self.layer2_bottleneck3_bn1(x)  # (N, 128, 28, 28)
        x = self.layer2_bottleneck3_relu1(x)  # (N, 128, 28, 28)
        x = self.layer2_bottleneck3_conv2(x)  # (N, 128, 28, 28)
        x = self.layer2_bottleneck3_bn2(x)  # (N, 128, 28, 28)
        x = self.layer2_bottleneck3_relu2(x)  # (N, 128, 28, 28)
        x = self.layer2_bottleneck3_conv3(x)  # (N, 512, 28, 28)
        x = self.layer2_bottleneck3_bn3(x)  # (N, 512, 28, 28)
        x = x + identity  # (N, 512, 28, 28): residual
        x = self.layer2_bottleneck3_relu3(x)  # (N, 512, 28, 28)
        identity = x  # (N, 512, 28, 28)
        x = self.layer3_bottleneck_down1_conv1(x)  # (N, 256, 28, 28)
        x = self.layer3_bottleneck_down1_bn1(x)  # (N, 256, 28, 28)
        x = self.layer3_bottleneck_down1_relu1(x)  # (N, 256, 28, 28)
        x = self.layer3_bottleneck_down1_conv2(x)  # (N, 256, 14, 14)
        x = self.layer3_bottleneck_down1_bn2(x)  # (N, 256, 14, 14)
        x = self.layer3_bottleneck_down1_relu2(x)  # (N, 256, 14, 14)
        x = self.layer3_bottleneck_down1_conv3(x)  # (N, 1024, 14, 14)
        x = self.layer3_bottleneck_down1_bn3(x)  # (N, 1024, 14, 14)
        # (N, 1024, 14, 14)
        identity = self.layer3_bottleneck_down1_shortcut_conv1(identity)
        # (N, 1024, 14, 14)
        identity = self.layer3_bottleneck_down1_shortcut_bn1(identity)
        x = x + identity  # (N, 1024, 14, 14): residual
        x = self.layer3_bottleneck_down1_relu3(x)  # (N, 1024, 14, 14)
        identity = x  # (N, 1024, 14, 14)
        x = self.layer3_bottleneck1_conv1(x)  # (N, 256, 14, 14)
        x = self.layer3_bottleneck1_bn1(x)  # (N, 256, 14, 14)
        x = self.layer3_bottleneck1_relu1(x)  # (N, 256, 14, 14)
        x = self.layer3_bottleneck1_conv2(x)  # (N, 256, 14, 14)
        x = self.layer3_bottleneck1_bn2(x)  # (N, 256, 14, 14)
        x = self.layer3_bottleneck1_relu2(x)  # (N, 256, 14, 14)
        x = self.layer3_bottleneck1_conv3(x)  # (N, 1024, 14, 14)
        x = self.layer3_bottleneck1_bn3(x)  # (N, 1024, 14, 14)
        x = x + identity  # (N, 1024, 14, 14): residual
        x = self.layer3_bottleneck1_relu3(x)  # (N, 1024, 14, 14)
        identity = x  # (N, 1024, 14, 14)
        x = self.layer3_bottleneck2_conv1(x)  # (N, 256, 14, 14)
        x = self.layer3_bottleneck2_bn1(x)  # (N, 256, 14, 14)
        x = self.layer3_bottleneck2_relu1(x)  # (N, 256, 14, 14)
        x = self.layer3_bottleneck2_conv2(x)  # (N, 256, 14, 14)
        x = self.layer3_bottleneck2_bn2(x)  # (N, 256, 14, 14)
        x = self.layer3_bottleneck2_relu2(x)  # (N, 256, 14, 14)
        x = self.layer3_bottleneck2_conv3(x)  # (N, 1024, 14, 14)
        x = self.layer3_bottleneck2_bn3(x)  # (N, 1024, 14, 14)
        x = x + identity  # (N, 1024, 14, 14): residual
        x = self.layer3_bottleneck2_relu3(x)  # (N, 1024, 14, 14)
        identity = x  # (N, 1024, 14, 14)
        x = self.layer3_bottleneck3_conv1(x)  # (N, 256, 14, 14)
        x = self.layer3_bottleneck3_bn1(x)  # (N, 256, 14, 14)
        x = self.layer3_bottleneck3_relu1(x)  # (N, 256, 14, 14)
        x = self.layer3_bottleneck3_conv2(x)  # (N, 256, 14, 14)
        x = self.layer3_bottleneck3_bn2(x)  # (N, 256, 14, 14)
        x = self.layer3_bottleneck3_relu2(x)  # (N, 256, 14, 14)
        x = self.layer3_bottleneck3_conv3(x)  # (N, 1024, 14, 14)
        x = self.layer3_bottleneck3_bn3(x)  # (N, 1024, 14, 14)
        x = x + identity  # (N, 1024, 14, 14): residual
        x = self.layer3_bottleneck3_relu3(x)  # (N, 1024, 14, 14)
        identity = x  # (N, 1024, 14, 14)
        x = self.layer3_bottleneck4_conv1(x)  # (N, 256, 14, 14)
        x = self.layer3_bottleneck4_bn1(x)  # (N, 256, 14, 14)
        x = self.layer3_bottleneck4_relu1(x)  # (N, 256, 14, 14)
        x = self.layer3_bottleneck4_conv2(x)  # (N, 256, 14, 14)
        x = self.layer3_bottleneck4_bn2(x)  # (N, 256, 14, 14)
        x = self.layer3_bottleneck4_relu2(x)  # (N, 256, 14, 14)
        x = self.layer3_bottleneck4_conv3(x)  # (N, 1024, 14, 14)
        x = self.layer3_bottleneck4_bn3(x)  # (N, 1024, 14, 14)
        x = x + identity  # (N, 1024, 14, 14): residual
        x = self.layer3_bottleneck4_relu3(x)  # (N, 1024, 14, 14)
        identity = x  # (N, 1024, 14, 14)
        x = self.layer3_bottleneck5_conv1(x)  # (N, 256, 14, 14)
        x = self.layer3_bottleneck5_bn1(x)  # (N, 256, 14, 14)
        x = self.layer3_bottleneck5_relu1(x)  # (N, 256, 14, 14)
        x = self.layer3_bottleneck5_conv2(x)  # (N, 256, 14, 14)
        x = self.layer3_bottleneck5_bn2(x)  # (N, 256, 14, 14)
        x = self.layer3_bottleneck5_relu2(x)  # (N, 256, 14, 14)
        x = self.layer3_bottleneck5_conv3(x)  # (N, 1024, 14, 14)
        x = self.layer3_bottleneck5_bn3(x)  # (N, 1024, 14, 14)
        x = x + identity  # (N, 1024, 14, 14): residual
        x = self.layer3_bottleneck5_relu3(x)  # (N, 1024, 14, 14)
        identity = x  # (N, 1024, 14, 14)
        x = self.layer4_bottleneck_down1_conv1(x)  # (N, 512, 14, 14)
        x = self.layer4_bottleneck_down1_bn1(x)  # (N, 512, 14, 14)
        x = self.layer4_bottleneck_down1_relu1(x)  # (N, 512, 14, 14)
        x = self.layer4_bottleneck_down1_conv2(x)  # (N, 512, 7, 7)
        x = self.layer4_bottleneck_down1_bn2(x)  # (N, 512, 7, 7)
        x = self.layer4_bottleneck_down1_relu2(x)  # (N, 512, 7, 7)
        x = self.layer4_bottleneck_down1_conv3(x)  # (N, 2048, 7, 7)
        x = self.layer4_bottleneck_down1_bn3(x)  # (N, 2048, 7, 7)
        # (N, 2048, 7, 7)
        identity = self.layer4_bottleneck_down1_shortcut_conv1(identity)
        # (N, 2048, 7, 7)
        identity = self.layer4_bottleneck_down1_shortcut_bn1(identity)
        x = x + identity  # (N, 2048, 7, 7): residual
        x = self.layer4_bottleneck_down1_relu3(x)  # (N, 2048, 7, 7)
        identity = x  # (N, 2048, 7, 7)
        x = self.layer4_bottleneck1_conv1(x)  # (N, 512, 7, 7)
        x = self.layer4_bottleneck1_bn1(x)  # (N, 512, 7, 7)
        x = self.layer4_bottleneck1_relu1(x)  # (N, 512, 7, 7)
        x = self.layer4_bottleneck1_conv2(x)  # (N, 512, 7, 7)
        x = self.layer4_bottleneck1_bn2(x)  # (N, 512, 7, 7)
        x = self.layer4_bottleneck1_relu2(x)  # (N, 512, 7, 7)
        x = self.layer4_bottleneck1_conv3(x)  # (N, 2048, 7, 7)
        x = self.layer4_bottleneck1_bn3(x)  # (N, 2048, 7, 7)
        x = x + identity  # (N, 2048, 7, 7): residual
        x = self.layer4_bottleneck1_relu3(x)  # (N, 2048, 7, 7)
        identity = x  # (N, 2048, 7, 7)
        x = self.layer4_bottleneck2_conv1(x)  # (N, 512, 7, 7)
        x = self.layer4_bottleneck2_bn1(x)  # (N, 512, 7, 7)
        x = self.layer4_bottleneck2_relu1(x)  # (N, 512, 7, 7)
        x = self.layer4_bottleneck2_conv2(x)  # (N, 512, 7, 7)
        x = self.layer4_bottleneck2_bn2(x)  # (N, 512, 7, 7)
        x = self.layer4_bottleneck2_relu2(x)  # (N, 512, 7, 7)
        x = self.layer4_bottleneck2_conv3(x)  # (N, 2048, 7, 7)
        x = self.layer4_bottleneck2_bn3(x)  # (N, 2048, 7, 7)
        x = x + identity  # (N, 2048, 7, 7): residual
        x = self.layer4_bottleneck2_relu3(x)  # (N, 2048, 7, 7)
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
