"""ResNet18: a PyTorch module compiled by netspec 0.1.0.

Spec: resnet18.net. Weights: PyTorch's defaults.
Parameters: 11,689,512. MACs: 1,814,073,344 per sample (FLOPs = 2 x MACs).
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


class ResNet18(nn.Module):
    """ResNet18, as specified in resnet18.net."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu1 = nn.ReLU()
        self.pool1 = nn.MaxPool2d(3, stride=2, padding=1)
        self.basic1_conv1 = nn.Conv2d(64, 64, kernel_size=3, padding=1, bias=False)
        self.basic1_bn1 = nn.BatchNorm2d(64)
        self.basic1_relu1 = nn.ReLU()
        self.basic1_conv2 = nn.Conv2d(64, 64, kernel_size=3, padding=1, bias=False)
        self.basic1_bn2 = nn.BatchNorm2d(64)
        self.basic1_relu2 = nn.ReLU()
        self.basic2_conv1 = nn.Conv2d(64, 64, kernel_size=3, padding=1, bias=False)
        self.basic2_bn1 = nn.BatchNorm2d(64)
        self.basic2_relu1 = nn.ReLU()
        self.basic2_conv2 = nn.Conv2d(64, 64, kernel_size=3, padding=1, bias=False)
        self.basic2_bn2 = nn.BatchNorm2d(64)
        self.basic2_relu2 = nn.ReLU()
        self.layer2_basic_down1_conv1 = nn.Conv2d(
            64, 128, kernel_size=3, stride=2, padding=1, bias=False
        )
        self.layer2_basic_down1_bn1 = nn.BatchNorm2d(128)
        self.layer2_basic_down1_relu1 = nn.ReLU()
        self.layer2_basic_down1_conv2 = nn.Conv2d(
            128, 128, kernel_size=3, padding=1, bias=False
        )
        self.layer2_basic_down1_bn2 = nn.BatchNorm2d(128)
        self.layer2_basic_down1_shortcut_conv1 = nn.Conv2d(
            64, 128, kernel_size=1, stride=2, bias=False
        )
        self.layer2_basic_down1_shortcut_bn1 = nn.BatchNorm2d(128)
        self.layer2_basic_down1_relu2 = nn.ReLU()
        self.layer2_basic1_conv1 = nn.Conv2d(
            128, 128, kernel_size=3, padding=1, bias=False
        )
        self.layer2_basic1_bn1 = nn.BatchNorm2d(128)
        self.layer2_basic1_relu1 = nn.ReLU()
        self.layer2_basic1_conv2 = nn.Conv2d(
            128, 128, kernel_size=3, padding=1, bias=False
        )
        self.layer2_basic1_bn2 = nn.BatchNorm2d(128)
        self.layer2_basic1_relu2 = nn.ReLU()
        self.layer3_basic_down1_conv1 = nn.Conv2d(
            128, 256, kernel_size=3, stride=2, padding=1, bias=False
        )
        self.layer3_basic_down1_bn1 = nn.BatchNorm2d(256)
        self.layer3_basic_down1_relu1 = nn.ReLU()
        self.layer3_basic_down1_conv2 = nn.Conv2d(
            256, 256, kernel_size=3, padding=1, bias=False
        )
        self.layer3_basic_down1_bn2 = nn.BatchNorm2d(256)
        self.layer3_basic_down1_shortcut_conv1 = nn.Conv2d(
            128, 256, kernel_size=1, stride=2, bias=False
        )
        self.layer3_basic_down1_shortcut_bn1 = nn.BatchNorm2d(256)
        self.layer3_basic_down1_relu2 = nn.ReLU()
        self.layer3_basic1_conv1 = nn.Conv2d(
            256, 256, kernel_size=3, padding=1, bias=False
        )
        self.layer3_basic1_bn1 = nn.BatchNorm2d(256)
        self.layer3_basic1_relu1 = nn.ReLU()
        self.layer3_basic1_conv2 = nn.Conv2d(
            256, 256, kernel_size=3, padding=1, bias=False
        )
        self.layer3_basic1_bn2 = nn.BatchNorm2d(256)
        self.layer3_basic1_relu2 = nn.ReLU()
        self.layer4_basic_down1_conv1 = nn.Conv2d(
            256, 512, kernel_size=3, stride=2, padding=1, bias=False
        )
        self.layer4_basic_down1_bn1 = nn.BatchNorm2d(512)
        self.layer4_basic_down1_relu1 = nn.ReLU()
        self.layer4_basic_down1_conv2 = nn.Conv2d(
            512, 512, kernel_size=3, padding=1, bias=False
        )
        self.layer4_basic_down1_bn2 = nn.BatchNorm2d(512)
        self.layer4_basic_down1_shortcut_conv1 = nn.Conv2d(
            256, 512, kernel_size=1, stride=2, bias=False
        )
        self.layer4_basic_down1_shortcut_bn1 = nn.BatchNorm2d(512)
        self.layer4_basic_down1_relu2 = nn.ReLU()
        self.layer4_basic1_conv1 = nn.Conv2d(
            512, 512, kernel_size=3, padding=1, bias=False
        )
        self.layer4_basic1_bn1 = nn.BatchNorm2d(512)
        self.layer4_basic1_relu1 = nn.ReLU()
        self.layer4_basic1_conv2 = nn.Conv2d(
            512, 512, kernel_size=3, padding=1, bias=False
        )
        self.layer4_basic1_bn2 = nn.BatchNorm2d(512)
        self.layer4_basic1_relu2 = nn.ReLU()
        self.pool2 = nn.AdaptiveAvgPool2d(1)
        self.fc1 = nn.Linear(512, 1000)

    def forward(self, x: torch.Tensor, log_probs: bool = False) -> torch.Tensor:
        """(N, 3, 224, 224) -> (N, 1000); log-probabilities if log_probs."""
        x = self.conv1(x)  # (N, 64, 112, 112)
        x = self.bn1(x)  # (N, 64, 112, 112)
        x = self.relu1(x)  # (N, 64, 112, 112)
        x = self.pool1(x)  # (N, 64, 56, 56)
        identity = x  # (N, 64, 56, 56)
        x = self.basic1_conv1(x)  # (N, 64, 56, 56)
        x = self.basic1_bn1(x)  # (N, 64, 56, 56)
        x = self.basic1_relu1(x)  # (N, 64, 56, 56)
        x = self.basic1_conv2(x)  # (N, 64, 56, 56)
        x = self.basic1_bn2(x)  # (N, 64, 56, 56)
        x = x + identity  # (N, 64, 56, 56): residual
        x = self.basic1_relu2(x)  # (N, 64, 56, 56)
        identity = x  # (N, 64, 56, 56)
        x = self.basic2_conv1(x)  # (N, 64, 56, 56)
        x = self.basic2_bn1(x)  # (N, 64, 56, 56)
        x = self.basic2_relu1(x)  # (N, 64, 56, 56)
        x = self.basic2_conv2(x)  # (N, 64, 56, 56)
        x = self.basic2_bn2(x)  # (N, 64, 56, 56)
        x = x + identity  # (N, 64, 56, 56): residual
        x = self.basic2_relu2(x)  # (N, 64, 56, 56)
        identity = x  # (N, 64, 56, 56)
        x = self.layer2_basic_down1_conv1(x)  # (N, 128, 28, 28)
        x = self.layer2_basic_down1_bn1(x)  # (N, 128, 28, 28)
        x = self.layer2_basic_down1_relu1(x)  # (N, 128, 28, 28)
        x = self.layer2_basic_down1_conv2(x)  # (N, 128, 28, 28)
        x = self.layer2_basic_down1_bn2(x)  # (N, 128, 28, 28)
        identity = self.layer2_basic_down1_shortcut_conv1(identity)  # (N, 128, 28, 28)
        identity = self.layer2_basic_down1_shortcut_bn1(identity)  # (N, 128, 28, 28)
        x = x + identity  # (N, 128, 28, 28): residual
        x = self.layer2_basic_down1_relu2(x)  # (N, 128, 28, 28)
        identity = x  # (N, 128, 28, 28)
        x = self.layer2_basic1_conv1(x)  # (N, 128, 28, 28)
        x = self.layer2_basic1_bn1(x)  # (N, 128, 28, 28)
        x = self.layer2_basic1_relu1(x)  # (N, 128, 28, 28)
        x = self.layer2_basic1_conv2(x)  # (N, 128, 28, 28)
        x = self.layer2_basic1_bn2(x)  # (N, 128, 28, 28)
        x = x + identity  # (N, 128, 28, 28): residual
        x = self.layer2_basic1_relu2(x)  # (N, 128, 28, 28)
        identity = x  # (N, 128, 28, 28)
        x = self.layer3_basic_down1_conv1(x)  # (N, 256, 14, 14)
        x = self.layer3_basic_down1_bn1(x)  # (N, 256, 14, 14)
        x = self.layer3_basic_down1_relu1(x)  # (N, 256, 14, 14)
        x = self.layer3_basic_down1_conv2(x)  # (N, 256, 14, 14)
        x = self.layer3_basic_down1_bn2(x)  # (N, 256, 14, 14)
        identity = self.layer3_basic_down1_shortcut_conv1(identity)  # (N, 256, 14, 14)
        identity = self.layer3_basic_down1_shortcut_bn1(identity)  # (N, 256, 14, 14)
        x = x + identity  # (N, 256, 14, 14): residual
        x = self.layer3_basic_down1_relu2(x)  # (N, 256, 14, 14)
        identity = x  # (N, 256, 14, 14)
        x = self.layer3_basic1_conv1(x)  # (N, 256, 14, 14)
        x = self.layer3_basic1_bn1(x)  # (N, 256, 14, 14)
        x = self.layer3_basic1_relu1(x)  # (N, 256, 14, 14)
        x = self.layer3_basic1_conv2(x)  # (N, 256, 14, 14)
        x = self.layer3_basic1_bn2(x)  # (N, 256, 14, 14)
        x = x + identity  # (N, 256, 14, 14): residual
        x = self.layer3_basic1_relu2(x)  # (N, 256, 14, 14)
        identity = x  # (N, 256, 14, 14)
        x = self.layer4_basic_down1_conv1(x)  # (N, 512, 7, 7)
        x = self.layer4_basic_down1_bn1(x)  # (N, 512, 7, 7)
        x = self.layer4_basic_down1_relu1(x)  # (N, 512, 7, 7)
        x = self.layer4_basic_down1_conv2(x)  # (N, 512, 7, 7)
        x = self.layer4_basic_down1_bn2(x)  # (N, 512, 7, 7)
        identity = self.layer4_basic_down1_shortcut_conv1(identity)  # (N, 512, 7, 7)
        identity = self.layer4_basic_down1_shortcut_bn1(identity)  # (N, 512, 7, 7)
        x = x + identity  # (N, 512, 7, 7): residual
        x = self.layer4_basic_down1_relu2(x)  # (N, 512, 7, 7)
        identity = x  # (N, 512, 7, 7)
        x = self.layer4_basic1_conv1(x)  # (N, 512, 7, 7)
        x = self.layer4_basic1_bn1(x)  # (N, 512, 7, 7)
        x = self.layer4_basic1_relu1(x)  # (N, 512, 7, 7)
        x = self.layer4_basic1_conv2(x)  # (N, 512, 7, 7)
        x = self.layer4_basic1_bn2(x)  # (N, 512, 7, 7)
        x = x + identity  # (N, 512, 7, 7): residual
        x = self.layer4_basic1_relu2(x)  # (N, 512, 7, 7)
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
