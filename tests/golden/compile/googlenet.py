"""GoogLeNet: a PyTorch module compiled by netspec 0.1.0.

Spec: googlenet.net. Weights: PyTorch's defaults.
Parameters: 6,624,904. MACs: 1,498,376,192 per sample (FLOPs = 2 x MACs).
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


class GoogLeNet(nn.Module):
    """GoogLeNet, as specified in googlenet.net."""

    def __init__(self) -> None:
        super().__init__()
        self.basicconv1_conv1 = nn.Conv2d(
            3, 64, kernel_size=7, stride=2, padding=3, bias=False
        )
        self.basicconv1_bn1 = nn.BatchNorm2d(64, eps=0.001)
        self.basicconv1_relu1 = nn.ReLU()
        self.pool1 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.basicconv2_conv1 = nn.Conv2d(64, 64, kernel_size=1, bias=False)
        self.basicconv2_bn1 = nn.BatchNorm2d(64, eps=0.001)
        self.basicconv2_relu1 = nn.ReLU()
        self.basicconv3_conv1 = nn.Conv2d(64, 192, kernel_size=3, padding=1, bias=False)
        self.basicconv3_bn1 = nn.BatchNorm2d(192, eps=0.001)
        self.basicconv3_relu1 = nn.ReLU()
        self.pool2 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.inception3a_branch1_basicconv1_conv1 = nn.Conv2d(
            192, 64, kernel_size=1, bias=False
        )
        self.inception3a_branch1_basicconv1_bn1 = nn.BatchNorm2d(64, eps=0.001)
        self.inception3a_branch1_basicconv1_relu1 = nn.ReLU()
        self.inception3a_branch2_basicconv1_conv1 = nn.Conv2d(
            192, 96, kernel_size=1, bias=False
        )
        self.inception3a_branch2_basicconv1_bn1 = nn.BatchNorm2d(96, eps=0.001)
        self.inception3a_branch2_basicconv1_relu1 = nn.ReLU()
        self.inception3a_branch2_basicconv2_conv1 = nn.Conv2d(
            96, 128, kernel_size=3, padding=1, bias=False
        )
        self.inception3a_branch2_basicconv2_bn1 = nn.BatchNorm2d(128, eps=0.001)
        self.inception3a_branch2_basicconv2_relu1 = nn.ReLU()
        self.inception3a_branch3_basicconv1_conv1 = nn.Conv2d(
            192, 16, kernel_size=1, bias=False
        )
        self.inception3a_branch3_basicconv1_bn1 = nn.BatchNorm2d(16, eps=0.001)
        self.inception3a_branch3_basicconv1_relu1 = nn.ReLU()
        self.inception3a_branch3_basicconv2_conv1 = nn.Conv2d(
            16, 32, kernel_size=3, padding=1, bias=False
        )
        self.inception3a_branch3_basicconv2_bn1 = nn.BatchNorm2d(32, eps=0.001)
        self.inception3a_branch3_basicconv2_relu1 = nn.ReLU()
        self.inception3a_branch4_pool1 = nn.MaxPool2d(
            3, stride=1, padding=1, ceil_mode=True
        )
        self.inception3a_branch4_basicconv1_conv1 = nn.Conv2d(
            192, 32, kernel_size=1, bias=False
        )
        self.inception3a_branch4_basicconv1_bn1 = nn.BatchNorm2d(32, eps=0.001)
        self.inception3a_branch4_basicconv1_relu1 = nn.ReLU()
        self.inception3b_branch1_basicconv1_conv1 = nn.Conv2d(
            256, 128, kernel_size=1, bias=False
        )
        self.inception3b_branch1_basicconv1_bn1 = nn.BatchNorm2d(128, eps=0.001)
        self.inception3b_branch1_basicconv1_relu1 = nn.ReLU()
        self.inception3b_branch2_basicconv1_conv1 = nn.Conv2d(
            256, 128, kernel_size=1, bias=False
        )
        self.inception3b_branch2_basicconv1_bn1 = nn.BatchNorm2d(128, eps=0.001)
        self.inception3b_branch2_basicconv1_relu1 = nn.ReLU()
        self.inception3b_branch2_basicconv2_conv1 = nn.Conv2d(
            128, 192, kernel_size=3, padding=1, bias=False
        )
        self.inception3b_branch2_basicconv2_bn1 = nn.BatchNorm2d(192, eps=0.001)
        self.inception3b_branch2_basicconv2_relu1 = nn.ReLU()
        self.inception3b_branch3_basicconv1_conv1 = nn.Conv2d(
            256, 32, kernel_size=1, bias=False
        )
        self.inception3b_branch3_basicconv1_bn1 = nn.BatchNorm2d(32, eps=0.001)
        self.inception3b_branch3_basicconv1_relu1 = nn.ReLU()
        self.inception3b_branch3_basicconv2_conv1 = nn.Conv2d(
            32, 96, kernel_size=3, padding=1, bias=False
        )
        self.inception3b_branch3_basicconv2_bn1 = nn.BatchNorm2d(96, eps=0.001)
        self.inception3b_branch3_basicconv2_relu1 = nn.ReLU()
        self.inception3b_branch4_pool1 = nn.MaxPool2d(
            3, stride=1, padding=1, ceil_mode=True
        )
        self.inception3b_branch4_basicconv1_conv1 = nn.Conv2d(
            256, 64, kernel_size=1, bias=False
        )
        self.inception3b_branch4_basicconv1_bn1 = nn.BatchNorm2d(64, eps=0.001)
        self.inception3b_branch4_basicconv1_relu1 = nn.ReLU()
        self.pool3 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.inception4a_branch1_basicconv1_conv1 = nn.Conv2d(
            480, 192, kernel_size=1, bias=False
        )
        self.inception4a_branch1_basicconv1_bn1 = nn.BatchNorm2d(192, eps=0.001)
        self.inception4a_branch1_basicconv1_relu1 = nn.ReLU()
        self.inception4a_branch2_basicconv1_conv1 = nn.Conv2d(
            480, 96, kernel_size=1, bias=False
        )
        self.inception4a_branch2_basicconv1_bn1 = nn.BatchNorm2d(96, eps=0.001)
        self.inception4a_branch2_basicconv1_relu1 = nn.ReLU()
        self.inception4a_branch2_basicconv2_conv1 = nn.Conv2d(
            96, 208, kernel_size=3, padding=1, bias=False
        )
        self.inception4a_branch2_basicconv2_bn1 = nn.BatchNorm2d(208, eps=0.001)
        self.inception4a_branch2_basicconv2_relu1 = nn.ReLU()
        self.inception4a_branch3_basicconv1_conv1 = nn.Conv2d(
            480, 16, kernel_size=1, bias=False
        )
        self.inception4a_branch3_basicconv1_bn1 = nn.BatchNorm2d(16, eps=0.001)
        self.inception4a_branch3_basicconv1_relu1 = nn.ReLU()
        self.inception4a_branch3_basicconv2_conv1 = nn.Conv2d(
            16, 48, kernel_size=3, padding=1, bias=False
        )
        self.inception4a_branch3_basicconv2_bn1 = nn.BatchNorm2d(48, eps=0.001)
        self.inception4a_branch3_basicconv2_relu1 = nn.ReLU()
        self.inception4a_branch4_pool1 = nn.MaxPool2d(
            3, stride=1, padding=1, ceil_mode=True
        )
        self.inception4a_branch4_basicconv1_conv1 = nn.Conv2d(
            480, 64, kernel_size=1, bias=False
        )
        self.inception4a_branch4_basicconv1_bn1 = nn.BatchNorm2d(64, eps=0.001)
        self.inception4a_branch4_basicconv1_relu1 = nn.ReLU()
        self.inception4b_branch1_basicconv1_conv1 = nn.Conv2d(
            512, 160, kernel_size=1, bias=False
        )
        self.inception4b_branch1_basicconv1_bn1 = nn.BatchNorm2d(160, eps=0.001)
        self.inception4b_branch1_basicconv1_relu1 = nn.ReLU()
        self.inception4b_branch2_basicconv1_conv1 = nn.Conv2d(
            512, 112, kernel_size=1, bias=False
        )
        self.inception4b_branch2_basicconv1_bn1 = nn.BatchNorm2d(112, eps=0.001)
        self.inception4b_branch2_basicconv1_relu1 = nn.ReLU()
        self.inception4b_branch2_basicconv2_conv1 = nn.Conv2d(
            112, 224, kernel_size=3, padding=1, bias=False
        )
        self.inception4b_branch2_basicconv2_bn1 = nn.BatchNorm2d(224, eps=0.001)
        self.inception4b_branch2_basicconv2_relu1 = nn.ReLU()
        self.inception4b_branch3_basicconv1_conv1 = nn.Conv2d(
            512, 24, kernel_size=1, bias=False
        )
        self.inception4b_branch3_basicconv1_bn1 = nn.BatchNorm2d(24, eps=0.001)
        self.inception4b_branch3_basicconv1_relu1 = nn.ReLU()
        self.inception4b_branch3_basicconv2_conv1 = nn.Conv2d(
            24, 64, kernel_size=3, padding=1, bias=False
        )
        self.inception4b_branch3_basicconv2_bn1 = nn.BatchNorm2d(64, eps=0.001)
        self.inception4b_branch3_basicconv2_relu1 = nn.ReLU()
        self.inception4b_branch4_pool1 = nn.MaxPool2d(
            3, stride=1, padding=1, ceil_mode=True
        )
        self.inception4b_branch4_basicconv1_conv1 = nn.Conv2d(
            512, 64, kernel_size=1, bias=False
        )
        self.inception4b_branch4_basicconv1_bn1 = nn.BatchNorm2d(64, eps=0.001)
        self.inception4b_branch4_basicconv1_relu1 = nn.ReLU()
        self.inception4c_branch1_basicconv1_conv1 = nn.Conv2d(
            512, 128, kernel_size=1, bias=False
        )
        self.inception4c_branch1_basicconv1_bn1 = nn.BatchNorm2d(128, eps=0.001)
        self.inception4c_branch1_basicconv1_relu1 = nn.ReLU()
        self.inception4c_branch2_basicconv1_conv1 = nn.Conv2d(
            512, 128, kernel_size=1, bias=False
        )
        self.inception4c_branch2_basicconv1_bn1 = nn.BatchNorm2d(128, eps=0.001)
        self.inception4c_branch2_basicconv1_relu1 = nn.ReLU()
        self.inception4c_branch2_basicconv2_conv1 = nn.Conv2d(
            128, 256, kernel_size=3, padding=1, bias=False
        )
        self.inception4c_branch2_basicconv2_bn1 = nn.BatchNorm2d(256, eps=0.001)
        self.inception4c_branch2_basicconv2_relu1 = nn.ReLU()
        self.inception4c_branch3_basicconv1_conv1 = nn.Conv2d(
            512, 24, kernel_size=1, bias=False
        )
        self.inception4c_branch3_basicconv1_bn1 = nn.BatchNorm2d(24, eps=0.001)
        self.inception4c_branch3_basicconv1_relu1 = nn.ReLU()
        self.inception4c_branch3_basicconv2_conv1 = nn.Conv2d(
            24, 64, kernel_size=3, padding=1, bias=False
        )
        self.inception4c_branch3_basicconv2_bn1 = nn.BatchNorm2d(64, eps=0.001)
        self.inception4c_branch3_basicconv2_relu1 = nn.ReLU()
        self.inception4c_branch4_pool1 = nn.MaxPool2d(
            3, stride=1, padding=1, ceil_mode=True
        )
        self.inception4c_branch4_basicconv1_conv1 = nn.Conv2d(
            512, 64, kernel_size=1, bias=False
        )
        self.inception4c_branch4_basicconv1_bn1 = nn.BatchNorm2d(64, eps=0.001)
        self.inception4c_branch4_basicconv1_relu1 = nn.ReLU()
        self.inception4d_branch1_basicconv1_conv1 = nn.Conv2d(
            512, 112, kernel_size=1, bias=False
        )
        self.inception4d_branch1_basicconv1_bn1 = nn.BatchNorm2d(112, eps=0.001)
        self.inception4d_branch1_basicconv1_relu1 = nn.ReLU()
        self.inception4d_branch2_basicconv1_conv1 = nn.Conv2d(
            512, 144, kernel_size=1, bias=False
        )
        self.inception4d_branch2_basicconv1_bn1 = nn.BatchNorm2d(144, eps=0.001)
        self.inception4d_branch2_basicconv1_relu1 = nn.ReLU()
        self.inception4d_branch2_basicconv2_conv1 = nn.Conv2d(
            144, 288, kernel_size=3, padding=1, bias=False
        )
        self.inception4d_branch2_basicconv2_bn1 = nn.BatchNorm2d(288, eps=0.001)
        self.inception4d_branch2_basicconv2_relu1 = nn.ReLU()
        self.inception4d_branch3_basicconv1_conv1 = nn.Conv2d(
            512, 32, kernel_size=1, bias=False
        )
        self.inception4d_branch3_basicconv1_bn1 = nn.BatchNorm2d(32, eps=0.001)
        self.inception4d_branch3_basicconv1_relu1 = nn.ReLU()
        self.inception4d_branch3_basicconv2_conv1 = nn.Conv2d(
            32, 64, kernel_size=3, padding=1, bias=False
        )
        self.inception4d_branch3_basicconv2_bn1 = nn.BatchNorm2d(64, eps=0.001)
        self.inception4d_branch3_basicconv2_relu1 = nn.ReLU()
        self.inception4d_branch4_pool1 = nn.MaxPool2d(
            3, stride=1, padding=1, ceil_mode=True
        )
        self.inception4d_branch4_basicconv1_conv1 = nn.Conv2d(
            512, 64, kernel_size=1, bias=False
        )
        self.inception4d_branch4_basicconv1_bn1 = nn.BatchNorm2d(64, eps=0.001)
        self.inception4d_branch4_basicconv1_relu1 = nn.ReLU()
        self.inception4e_branch1_basicconv1_conv1 = nn.Conv2d(
            528, 256, kernel_size=1, bias=False
        )
        self.inception4e_branch1_basicconv1_bn1 = nn.BatchNorm2d(256, eps=0.001)
        self.inception4e_branch1_basicconv1_relu1 = nn.ReLU()
        self.inception4e_branch2_basicconv1_conv1 = nn.Conv2d(
            528, 160, kernel_size=1, bias=False
        )
        self.inception4e_branch2_basicconv1_bn1 = nn.BatchNorm2d(160, eps=0.001)
        self.inception4e_branch2_basicconv1_relu1 = nn.ReLU()
        self.inception4e_branch2_basicconv2_conv1 = nn.Conv2d(
            160, 320, kernel_size=3, padding=1, bias=False
        )
        self.inception4e_branch2_basicconv2_bn1 = nn.BatchNorm2d(320, eps=0.001)
        self.inception4e_branch2_basicconv2_relu1 = nn.ReLU()
        self.inception4e_branch3_basicconv1_conv1 = nn.Conv2d(
            528, 32, kernel_size=1, bias=False
        )
        self.inception4e_branch3_basicconv1_bn1 = nn.BatchNorm2d(32, eps=0.001)
        self.inception4e_branch3_basicconv1_relu1 = nn.ReLU()
        self.inception4e_branch3_basicconv2_conv1 = nn.Conv2d(
            32, 128, kernel_size=3, padding=1, bias=False
        )
        self.inception4e_branch3_basicconv2_bn1 = nn.BatchNorm2d(128, eps=0.001)
        self.inception4e_branch3_basicconv2_relu1 = nn.ReLU()
        self.inception4e_branch4_pool1 = nn.MaxPool2d(
            3, stride=1, padding=1, ceil_mode=True
        )
        self.inception4e_branch4_basicconv1_conv1 = nn.Conv2d(
            528, 128, kernel_size=1, bias=False
        )
        self.inception4e_branch4_basicconv1_bn1 = nn.BatchNorm2d(128, eps=0.001)
        self.inception4e_branch4_basicconv1_relu1 = nn.ReLU()
        self.pool4 = nn.MaxPool2d(2, ceil_mode=True)
        self.inception5a_branch1_basicconv1_conv1 = nn.Conv2d(
            832, 256, kernel_size=1, bias=False
        )
        self.inception5a_branch1_basicconv1_bn1 = nn.BatchNorm2d(256, eps=0.001)
        self.inception5a_branch1_basicconv1_relu1 = nn.ReLU()
        self.inception5a_branch2_basicconv1_conv1 = nn.Conv2d(
            832, 160, kernel_size=1, bias=False
        )
        self.inception5a_branch2_basicconv1_bn1 = nn.BatchNorm2d(160, eps=0.001)
        self.inception5a_branch2_basicconv1_relu1 = nn.ReLU()
        self.inception5a_branch2_basicconv2_conv1 = nn.Conv2d(
            160, 320, kernel_size=3, padding=1, bias=False
        )
        self.inception5a_branch2_basicconv2_bn1 = nn.BatchNorm2d(320, eps=0.001)
        self.inception5a_branch2_basicconv2_relu1 = nn.ReLU()
        self.inception5a_branch3_basicconv1_conv1 = nn.Conv2d(
            832, 32, kernel_size=1, bias=False
        )
        self.inception5a_branch3_basicconv1_bn1 = nn.BatchNorm2d(32, eps=0.001)
        self.inception5a_branch3_basicconv1_relu1 = nn.ReLU()
        self.inception5a_branch3_basicconv2_conv1 = nn.Conv2d(
            32, 128, kernel_size=3, padding=1, bias=False
        )
        self.inception5a_branch3_basicconv2_bn1 = nn.BatchNorm2d(128, eps=0.001)
        self.inception5a_branch3_basicconv2_relu1 = nn.ReLU()
        self.inception5a_branch4_pool1 = nn.MaxPool2d(
            3, stride=1, padding=1, ceil_mode=True
        )
        self.inception5a_branch4_basicconv1_conv1 = nn.Conv2d(
            832, 128, kernel_size=1, bias=False
        )
        self.inception5a_branch4_basicconv1_bn1 = nn.BatchNorm2d(128, eps=0.001)
        self.inception5a_branch4_basicconv1_relu1 = nn.ReLU()
        self.inception5b_branch1_basicconv1_conv1 = nn.Conv2d(
            832, 384, kernel_size=1, bias=False
        )
        self.inception5b_branch1_basicconv1_bn1 = nn.BatchNorm2d(384, eps=0.001)
        self.inception5b_branch1_basicconv1_relu1 = nn.ReLU()
        self.inception5b_branch2_basicconv1_conv1 = nn.Conv2d(
            832, 192, kernel_size=1, bias=False
        )
        self.inception5b_branch2_basicconv1_bn1 = nn.BatchNorm2d(192, eps=0.001)
        self.inception5b_branch2_basicconv1_relu1 = nn.ReLU()
        self.inception5b_branch2_basicconv2_conv1 = nn.Conv2d(
            192, 384, kernel_size=3, padding=1, bias=False
        )
        self.inception5b_branch2_basicconv2_bn1 = nn.BatchNorm2d(384, eps=0.001)
        self.inception5b_branch2_basicconv2_relu1 = nn.ReLU()
        self.inception5b_branch3_basicconv1_conv1 = nn.Conv2d(
            832, 48, kernel_size=1, bias=False
        )
        self.inception5b_branch3_basicconv1_bn1 = nn.BatchNorm2d(48, eps=0.001)
        self.inception5b_branch3_basicconv1_relu1 = nn.ReLU()
        self.inception5b_branch3_basicconv2_conv1 = nn.Conv2d(
            48, 128, kernel_size=3, padding=1, bias=False
        )
        self.inception5b_branch3_basicconv2_bn1 = nn.BatchNorm2d(128, eps=0.001)
        self.inception5b_branch3_basicconv2_relu1 = nn.ReLU()
        self.inception5b_branch4_pool1 = nn.MaxPool2d(
            3, stride=1, padding=1, ceil_mode=True
        )
        self.inception5b_branch4_basicconv1_conv1 = nn.Conv2d(
            832, 128, kernel_size=1, bias=False
        )
        self.inception5b_branch4_basicconv1_bn1 = nn.BatchNorm2d(128, eps=0.001)
        self.inception5b_branch4_basicconv1_relu1 = nn.ReLU()
        self.pool5 = nn.AdaptiveAvgPool2d(1)
        self.dropout1 = nn.Dropout(0.2)
        self.fc1 = nn.Linear(1024, 1000)

    def forward(self, x: torch.Tensor, log_probs: bool = False) -> torch.Tensor:
        """(N, 3, 224, 224) -> (N, 1000); log-probabilities if log_probs."""
        x = self.basicconv1_conv1(x)  # (N, 64, 112, 112)
        x = self.basicconv1_bn1(x)  # (N, 64, 112, 112)
        x = self.basicconv1_relu1(x)  # (N, 64, 112, 112)
        x = self.pool1(x)  # (N, 64, 56, 56)
        x = self.basicconv2_conv1(x)  # (N, 64, 56, 56)
        x = self.basicconv2_bn1(x)  # (N, 64, 56, 56)
        x = self.basicconv2_relu1(x)  # (N, 64, 56, 56)
        x = self.basicconv3_conv1(x)  # (N, 192, 56, 56)
        x = self.basicconv3_bn1(x)  # (N, 192, 56, 56)
        x = self.basicconv3_relu1(x)  # (N, 192, 56, 56)
        x = self.pool2(x)  # (N, 192, 28, 28)
        branch1 = self.inception3a_branch1_basicconv1_conv1(x)  # (N, 64, 28, 28)
        branch1 = self.inception3a_branch1_basicconv1_bn1(branch1)  # (N, 64, 28, 28)
        branch1 = self.inception3a_branch1_basicconv1_relu1(branch1)  # (N, 64, 28, 28)
        branch2 = self.inception3a_branch2_basicconv1_conv1(x)  # (N, 96, 28, 28)
        branch2 = self.inception3a_branch2_basicconv1_bn1(branch2)  # (N, 96, 28, 28)
        branch2 = self.inception3a_branch2_basicconv1_relu1(branch2)  # (N, 96, 28, 28)
        branch2 = self.inception3a_branch2_basicconv2_conv1(branch2)  # (N, 128, 28, 28)
        branch2 = self.inception3a_branch2_basicconv2_bn1(branch2)  # (N, 128, 28, 28)
        branch2 = self.inception3a_branch2_basicconv2_relu1(branch2)  # (N, 128, 28, 28)
        branch3 = self.inception3a_branch3_basicconv1_conv1(x)  # (N, 16, 28, 28)
        branch3 = self.inception3a_branch3_basicconv1_bn1(branch3)  # (N, 16, 28, 28)
        branch3 = self.inception3a_branch3_basicconv1_relu1(branch3)  # (N, 16, 28, 28)
        branch3 = self.inception3a_branch3_basicconv2_conv1(branch3)  # (N, 32, 28, 28)
        branch3 = self.inception3a_branch3_basicconv2_bn1(branch3)  # (N, 32, 28, 28)
        branch3 = self.inception3a_branch3_basicconv2_relu1(branch3)  # (N, 32, 28, 28)
        branch4 = self.inception3a_branch4_pool1(x)  # (N, 192, 28, 28)
        branch4 = self.inception3a_branch4_basicconv1_conv1(branch4)  # (N, 32, 28, 28)
        branch4 = self.inception3a_branch4_basicconv1_bn1(branch4)  # (N, 32, 28, 28)
        branch4 = self.inception3a_branch4_basicconv1_relu1(branch4)  # (N, 32, 28, 28)
        x = torch.cat([branch1, branch2, branch3, branch4], dim=1)  # (N, 256, 28, 28)
        branch1 = self.inception3b_branch1_basicconv1_conv1(x)  # (N, 128, 28, 28)
        branch1 = self.inception3b_branch1_basicconv1_bn1(branch1)  # (N, 128, 28, 28)
        branch1 = self.inception3b_branch1_basicconv1_relu1(branch1)  # (N, 128, 28, 28)
        branch2 = self.inception3b_branch2_basicconv1_conv1(x)  # (N, 128, 28, 28)
        branch2 = self.inception3b_branch2_basicconv1_bn1(branch2)  # (N, 128, 28, 28)
        branch2 = self.inception3b_branch2_basicconv1_relu1(branch2)  # (N, 128, 28, 28)
        branch2 = self.inception3b_branch2_basicconv2_conv1(branch2)  # (N, 192, 28, 28)
        branch2 = self.inception3b_branch2_basicconv2_bn1(branch2)  # (N, 192, 28, 28)
        branch2 = self.inception3b_branch2_basicconv2_relu1(branch2)  # (N, 192, 28, 28)
        branch3 = self.inception3b_branch3_basicconv1_conv1(x)  # (N, 32, 28, 28)
        branch3 = self.inception3b_branch3_basicconv1_bn1(branch3)  # (N, 32, 28, 28)
        branch3 = self.inception3b_branch3_basicconv1_relu1(branch3)  # (N, 32, 28, 28)
        branch3 = self.inception3b_branch3_basicconv2_conv1(branch3)  # (N, 96, 28, 28)
        branch3 = self.inception3b_branch3_basicconv2_bn1(branch3)  # (N, 96, 28, 28)
        branch3 = self.inception3b_branch3_basicconv2_relu1(branch3)  # (N, 96, 28, 28)
        branch4 = self.inception3b_branch4_pool1(x)  # (N, 256, 28, 28)
        branch4 = self.inception3b_branch4_basicconv1_conv1(branch4)  # (N, 64, 28, 28)
        branch4 = self.inception3b_branch4_basicconv1_bn1(branch4)  # (N, 64, 28, 28)
        branch4 = self.inception3b_branch4_basicconv1_relu1(branch4)  # (N, 64, 28, 28)
        x = torch.cat([branch1, branch2, branch3, branch4], dim=1)  # (N, 480, 28, 28)
        x = self.pool3(x)  # (N, 480, 14, 14)
        branch1 = self.inception4a_branch1_basicconv1_conv1(x)  # (N, 192, 14, 14)
        branch1 = self.inception4a_branch1_basicconv1_bn1(branch1)  # (N, 192, 14, 14)
        branch1 = self.inception4a_branch1_basicconv1_relu1(branch1)  # (N, 192, 14, 14)
        branch2 = self.inception4a_branch2_basicconv1_conv1(x)  # (N, 96, 14, 14)
        branch2 = self.inception4a_branch2_basicconv1_bn1(branch2)  # (N, 96, 14, 14)
        branch2 = self.inception4a_branch2_basicconv1_relu1(branch2)  # (N, 96, 14, 14)
        branch2 = self.inception4a_branch2_basicconv2_conv1(branch2)  # (N, 208, 14, 14)
        branch2 = self.inception4a_branch2_basicconv2_bn1(branch2)  # (N, 208, 14, 14)
        branch2 = self.inception4a_branch2_basicconv2_relu1(branch2)  # (N, 208, 14, 14)
        branch3 = self.inception4a_branch3_basicconv1_conv1(x)  # (N, 16, 14, 14)
        branch3 = self.inception4a_branch3_basicconv1_bn1(branch3)  # (N, 16, 14, 14)
        branch3 = self.inception4a_branch3_basicconv1_relu1(branch3)  # (N, 16, 14, 14)
        branch3 = self.inception4a_branch3_basicconv2_conv1(branch3)  # (N, 48, 14, 14)
        branch3 = self.inception4a_branch3_basicconv2_bn1(branch3)  # (N, 48, 14, 14)
        branch3 = self.inception4a_branch3_basicconv2_relu1(branch3)  # (N, 48, 14, 14)
        branch4 = self.inception4a_branch4_pool1(x)  # (N, 480, 14, 14)
        branch4 = self.inception4a_branch4_basicconv1_conv1(branch4)  # (N, 64, 14, 14)
        branch4 = self.inception4a_branch4_basicconv1_bn1(branch4)  # (N, 64, 14, 14)
        branch4 = self.inception4a_branch4_basicconv1_relu1(branch4)  # (N, 64, 14, 14)
        x = torch.cat([branch1, branch2, branch3, branch4], dim=1)  # (N, 512, 14, 14)
        branch1 = self.inception4b_branch1_basicconv1_conv1(x)  # (N, 160, 14, 14)
        branch1 = self.inception4b_branch1_basicconv1_bn1(branch1)  # (N, 160, 14, 14)
        branch1 = self.inception4b_branch1_basicconv1_relu1(branch1)  # (N, 160, 14, 14)
        branch2 = self.inception4b_branch2_basicconv1_conv1(x)  # (N, 112, 14, 14)
        branch2 = self.inception4b_branch2_basicconv1_bn1(branch2)  # (N, 112, 14, 14)
        branch2 = self.inception4b_branch2_basicconv1_relu1(branch2)  # (N, 112, 14, 14)
        branch2 = self.inception4b_branch2_basicconv2_conv1(branch2)  # (N, 224, 14, 14)
        branch2 = self.inception4b_branch2_basicconv2_bn1(branch2)  # (N, 224, 14, 14)
        branch2 = self.inception4b_branch2_basicconv2_relu1(branch2)  # (N, 224, 14, 14)
        branch3 = self.inception4b_branch3_basicconv1_conv1(x)  # (N, 24, 14, 14)
        branch3 = self.inception4b_branch3_basicconv1_bn1(branch3)  # (N, 24, 14, 14)
        branch3 = self.inception4b_branch3_basicconv1_relu1(branch3)  # (N, 24, 14, 14)
        branch3 = self.inception4b_branch3_basicconv2_conv1(branch3)  # (N, 64, 14, 14)
        branch3 = self.inception4b_branch3_basicconv2_bn1(branch3)  # (N, 64, 14, 14)
        branch3 = self.inception4b_branch3_basicconv2_relu1(branch3)  # (N, 64, 14, 14)
        branch4 = self.inception4b_branch4_pool1(x)  # (N, 512, 14, 14)
        branch4 = self.inception4b_branch4_basicconv1_conv1(branch4)  # (N, 64, 14, 14)
        branch4 = self.inception4b_branch4_basicconv1_bn1(branch4)  # (N, 64, 14, 14)
        branch4 = self.inception4b_branch4_basicconv1_relu1(branch4)  # (N, 64, 14, 14)
        x = torch.cat([branch1, branch2, branch3, branch4], dim=1)  # (N, 512, 14, 14)
        branch1 = self.inception4c_branch1_basicconv1_conv1(x)  # (N, 128, 14, 14)
        branch1 = self.inception4c_branch1_basicconv1_bn1(branch1)  # (N, 128, 14, 14)
        branch1 = self.inception4c_branch1_basicconv1_relu1(branch1)  # (N, 128, 14, 14)
        branch2 = self.inception4c_branch2_basicconv1_conv1(x)  # (N, 128, 14, 14)
        branch2 = self.inception4c_branch2_basicconv1_bn1(branch2)  # (N, 128, 14, 14)
        branch2 = self.inception4c_branch2_basicconv1_relu1(branch2)  # (N, 128, 14, 14)
        branch2 = self.inception4c_branch2_basicconv2_conv1(branch2)  # (N, 256, 14, 14)
        branch2 = self.inception4c_branch2_basicconv2_bn1(branch2)  # (N, 256, 14, 14)
        branch2 = self.inception4c_branch2_basicconv2_relu1(branch2)  # (N, 256, 14, 14)
        branch3 = self.inception4c_branch3_basicconv1_conv1(x)  # (N, 24, 14, 14)
        branch3 = self.inception4c_branch3_basicconv1_bn1(branch3)  # (N, 24, 14, 14)
        branch3 = self.inception4c_branch3_basicconv1_relu1(branch3)  # (N, 24, 14, 14)
        branch3 = self.inception4c_branch3_basicconv2_conv1(branch3)  # (N, 64, 14, 14)
        branch3 = self.inception4c_branch3_basicconv2_bn1(branch3)  # (N, 64, 14, 14)
        branch3 = self.inception4c_branch3_basicconv2_relu1(branch3)  # (N, 64, 14, 14)
        branch4 = self.inception4c_branch4_pool1(x)  # (N, 512, 14, 14)
        branch4 = self.inception4c_branch4_basicconv1_conv1(branch4)  # (N, 64, 14, 14)
        branch4 = self.inception4c_branch4_basicconv1_bn1(branch4)  # (N, 64, 14, 14)
        branch4 = self.inception4c_branch4_basicconv1_relu1(branch4)  # (N, 64, 14, 14)
        x = torch.cat([branch1, branch2, branch3, branch4], dim=1)  # (N, 512, 14, 14)
        branch1 = self.inception4d_branch1_basicconv1_conv1(x)  # (N, 112, 14, 14)
        branch1 = self.inception4d_branch1_basicconv1_bn1(branch1)  # (N, 112, 14, 14)
        branch1 = self.inception4d_branch1_basicconv1_relu1(branch1)  # (N, 112, 14, 14)
        branch2 = self.inception4d_branch2_basicconv1_conv1(x)  # (N, 144, 14, 14)
        branch2 = self.inception4d_branch2_basicconv1_bn1(branch2)  # (N, 144, 14, 14)
        branch2 = self.inception4d_branch2_basicconv1_relu1(branch2)  # (N, 144, 14, 14)
        branch2 = self.inception4d_branch2_basicconv2_conv1(branch2)  # (N, 288, 14, 14)
        branch2 = self.inception4d_branch2_basicconv2_bn1(branch2)  # (N, 288, 14, 14)
        branch2 = self.inception4d_branch2_basicconv2_relu1(branch2)  # (N, 288, 14, 14)
        branch3 = self.inception4d_branch3_basicconv1_conv1(x)  # (N, 32, 14, 14)
        branch3 = self.inception4d_branch3_basicconv1_bn1(branch3)  # (N, 32, 14, 14)
        branch3 = self.inception4d_branch3_basicconv1_relu1(branch3)  # (N, 32, 14, 14)
        branch3 = self.inception4d_branch3_basicconv2_conv1(branch3)  # (N, 64, 14, 14)
        branch3 = self.inception4d_branch3_basicconv2_bn1(branch3)  # (N, 64, 14, 14)
        branch3 = self.inception4d_branch3_basicconv2_relu1(branch3)  # (N, 64, 14, 14)
        branch4 = self.inception4d_branch4_pool1(x)  # (N, 512, 14, 14)
        branch4 = self.inception4d_branch4_basicconv1_conv1(branch4)  # (N, 64, 14, 14)
        branch4 = self.inception4d_branch4_basicconv1_bn1(branch4)  # (N, 64, 14, 14)
        branch4 = self.inception4d_branch4_basicconv1_relu1(branch4)  # (N, 64, 14, 14)
        x = torch.cat([branch1, branch2, branch3, branch4], dim=1)  # (N, 528, 14, 14)
        branch1 = self.inception4e_branch1_basicconv1_conv1(x)  # (N, 256, 14, 14)
        branch1 = self.inception4e_branch1_basicconv1_bn1(branch1)  # (N, 256, 14, 14)
        branch1 = self.inception4e_branch1_basicconv1_relu1(branch1)  # (N, 256, 14, 14)
        branch2 = self.inception4e_branch2_basicconv1_conv1(x)  # (N, 160, 14, 14)
        branch2 = self.inception4e_branch2_basicconv1_bn1(branch2)  # (N, 160, 14, 14)
        branch2 = self.inception4e_branch2_basicconv1_relu1(branch2)  # (N, 160, 14, 14)
        branch2 = self.inception4e_branch2_basicconv2_conv1(branch2)  # (N, 320, 14, 14)
        branch2 = self.inception4e_branch2_basicconv2_bn1(branch2)  # (N, 320, 14, 14)
        branch2 = self.inception4e_branch2_basicconv2_relu1(branch2)  # (N, 320, 14, 14)
        branch3 = self.inception4e_branch3_basicconv1_conv1(x)  # (N, 32, 14, 14)
        branch3 = self.inception4e_branch3_basicconv1_bn1(branch3)  # (N, 32, 14, 14)
        branch3 = self.inception4e_branch3_basicconv1_relu1(branch3)  # (N, 32, 14, 14)
        branch3 = self.inception4e_branch3_basicconv2_conv1(branch3)  # (N, 128, 14, 14)
        branch3 = self.inception4e_branch3_basicconv2_bn1(branch3)  # (N, 128, 14, 14)
        branch3 = self.inception4e_branch3_basicconv2_relu1(branch3)  # (N, 128, 14, 14)
        branch4 = self.inception4e_branch4_pool1(x)  # (N, 528, 14, 14)
        branch4 = self.inception4e_branch4_basicconv1_conv1(branch4)  # (N, 128, 14, 14)
        branch4 = self.inception4e_branch4_basicconv1_bn1(branch4)  # (N, 128, 14, 14)
        branch4 = self.inception4e_branch4_basicconv1_relu1(branch4)  # (N, 128, 14, 14)
        x = torch.cat([branch1, branch2, branch3, branch4], dim=1)  # (N, 832, 14, 14)
        x = self.pool4(x)  # (N, 832, 7, 7)
        branch1 = self.inception5a_branch1_basicconv1_conv1(x)  # (N, 256, 7, 7)
        branch1 = self.inception5a_branch1_basicconv1_bn1(branch1)  # (N, 256, 7, 7)
        branch1 = self.inception5a_branch1_basicconv1_relu1(branch1)  # (N, 256, 7, 7)
        branch2 = self.inception5a_branch2_basicconv1_conv1(x)  # (N, 160, 7, 7)
        branch2 = self.inception5a_branch2_basicconv1_bn1(branch2)  # (N, 160, 7, 7)
        branch2 = self.inception5a_branch2_basicconv1_relu1(branch2)  # (N, 160, 7, 7)
        branch2 = self.inception5a_branch2_basicconv2_conv1(branch2)  # (N, 320, 7, 7)
        branch2 = self.inception5a_branch2_basicconv2_bn1(branch2)  # (N, 320, 7, 7)
        branch2 = self.inception5a_branch2_basicconv2_relu1(branch2)  # (N, 320, 7, 7)
        branch3 = self.inception5a_branch3_basicconv1_conv1(x)  # (N, 32, 7, 7)
        branch3 = self.inception5a_branch3_basicconv1_bn1(branch3)  # (N, 32, 7, 7)
        branch3 = self.inception5a_branch3_basicconv1_relu1(branch3)  # (N, 32, 7, 7)
        branch3 = self.inception5a_branch3_basicconv2_conv1(branch3)  # (N, 128, 7, 7)
        branch3 = self.inception5a_branch3_basicconv2_bn1(branch3)  # (N, 128, 7, 7)
        branch3 = self.inception5a_branch3_basicconv2_relu1(branch3)  # (N, 128, 7, 7)
        branch4 = self.inception5a_branch4_pool1(x)  # (N, 832, 7, 7)
        branch4 = self.inception5a_branch4_basicconv1_conv1(branch4)  # (N, 128, 7, 7)
        branch4 = self.inception5a_branch4_basicconv1_bn1(branch4)  # (N, 128, 7, 7)
        branch4 = self.inception5a_branch4_basicconv1_relu1(branch4)  # (N, 128, 7, 7)
        x = torch.cat([branch1, branch2, branch3, branch4], dim=1)  # (N, 832, 7, 7)
        branch1 = self.inception5b_branch1_basicconv1_conv1(x)  # (N, 384, 7, 7)
        branch1 = self.inception5b_branch1_basicconv1_bn1(branch1)  # (N, 384, 7, 7)
        branch1 = self.inception5b_branch1_basicconv1_relu1(branch1)  # (N, 384, 7, 7)
        branch2 = self.inception5b_branch2_basicconv1_conv1(x)  # (N, 192, 7, 7)
        branch2 = self.inception5b_branch2_basicconv1_bn1(branch2)  # (N, 192, 7, 7)
        branch2 = self.inception5b_branch2_basicconv1_relu1(branch2)  # (N, 192, 7, 7)
        branch2 = self.inception5b_branch2_basicconv2_conv1(branch2)  # (N, 384, 7, 7)
        branch2 = self.inception5b_branch2_basicconv2_bn1(branch2)  # (N, 384, 7, 7)
        branch2 = self.inception5b_branch2_basicconv2_relu1(branch2)  # (N, 384, 7, 7)
        branch3 = self.inception5b_branch3_basicconv1_conv1(x)  # (N, 48, 7, 7)
        branch3 = self.inception5b_branch3_basicconv1_bn1(branch3)  # (N, 48, 7, 7)
        branch3 = self.inception5b_branch3_basicconv1_relu1(branch3)  # (N, 48, 7, 7)
        branch3 = self.inception5b_branch3_basicconv2_conv1(branch3)  # (N, 128, 7, 7)
        branch3 = self.inception5b_branch3_basicconv2_bn1(branch3)  # (N, 128, 7, 7)
        branch3 = self.inception5b_branch3_basicconv2_relu1(branch3)  # (N, 128, 7, 7)
        branch4 = self.inception5b_branch4_pool1(x)  # (N, 832, 7, 7)
        branch4 = self.inception5b_branch4_basicconv1_conv1(branch4)  # (N, 128, 7, 7)
        branch4 = self.inception5b_branch4_basicconv1_bn1(branch4)  # (N, 128, 7, 7)
        branch4 = self.inception5b_branch4_basicconv1_relu1(branch4)  # (N, 128, 7, 7)
        x = torch.cat([branch1, branch2, branch3, branch4], dim=1)  # (N, 1024, 7, 7)
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
