"""DenseNet121: a PyTorch module compiled by netspec 0.1.0.

Spec: densenet121.net. Weights: PyTorch's defaults.
Parameters: 7,978,856. MACs: 2,834,161,664 per sample (FLOPs = 2 x MACs).
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


class DenseNet121(nn.Module):
    """DenseNet121, as specified in densenet121.net."""

    def __init__(self) -> None:
        super().__init__()
        self.conv0 = nn.Conv2d(3, 64, kernel_size=7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(64)
        self.relu1 = nn.ReLU()
        self.pool1 = nn.MaxPool2d(3, stride=2, padding=1)
        self.denseblock1_dense_layer1_branch2_bn1 = nn.BatchNorm2d(64)
        self.denseblock1_dense_layer1_branch2_relu1 = nn.ReLU()
        self.denseblock1_dense_layer1_branch2_conv1 = nn.Conv2d(
            64, 128, kernel_size=1, bias=False
        )
        self.denseblock1_dense_layer1_branch2_bn2 = nn.BatchNorm2d(128)
        self.denseblock1_dense_layer1_branch2_relu2 = nn.ReLU()
        self.denseblock1_dense_layer1_branch2_conv2 = nn.Conv2d(
            128, 32, kernel_size=3, padding=1, bias=False
        )
        self.denseblock1_dense_layer2_branch2_bn1 = nn.BatchNorm2d(96)
        self.denseblock1_dense_layer2_branch2_relu1 = nn.ReLU()
        self.denseblock1_dense_layer2_branch2_conv1 = nn.Conv2d(
            96, 128, kernel_size=1, bias=False
        )
        self.denseblock1_dense_layer2_branch2_bn2 = nn.BatchNorm2d(128)
        self.denseblock1_dense_layer2_branch2_relu2 = nn.ReLU()
        self.denseblock1_dense_layer2_branch2_conv2 = nn.Conv2d(
            128, 32, kernel_size=3, padding=1, bias=False
        )
        self.denseblock1_dense_layer3_branch2_bn1 = nn.BatchNorm2d(128)
        self.denseblock1_dense_layer3_branch2_relu1 = nn.ReLU()
        self.denseblock1_dense_layer3_branch2_conv1 = nn.Conv2d(
            128, 128, kernel_size=1, bias=False
        )
        self.denseblock1_dense_layer3_branch2_bn2 = nn.BatchNorm2d(128)
        self.denseblock1_dense_layer3_branch2_relu2 = nn.ReLU()
        self.denseblock1_dense_layer3_branch2_conv2 = nn.Conv2d(
            128, 32, kernel_size=3, padding=1, bias=False
        )
        self.denseblock1_dense_layer4_branch2_bn1 = nn.BatchNorm2d(160)
        self.denseblock1_dense_layer4_branch2_relu1 = nn.ReLU()
        self.denseblock1_dense_layer4_branch2_conv1 = nn.Conv2d(
            160, 128, kernel_size=1, bias=False
        )
        self.denseblock1_dense_layer4_branch2_bn2 = nn.BatchNorm2d(128)
        self.denseblock1_dense_layer4_branch2_relu2 = nn.ReLU()
        self.denseblock1_dense_layer4_branch2_conv2 = nn.Conv2d(
            128, 32, kernel_size=3, padding=1, bias=False
        )
        self.denseblock1_dense_layer5_branch2_bn1 = nn.BatchNorm2d(192)
        self.denseblock1_dense_layer5_branch2_relu1 = nn.ReLU()
        self.denseblock1_dense_layer5_branch2_conv1 = nn.Conv2d(
            192, 128, kernel_size=1, bias=False
        )
        self.denseblock1_dense_layer5_branch2_bn2 = nn.BatchNorm2d(128)
        self.denseblock1_dense_layer5_branch2_relu2 = nn.ReLU()
        self.denseblock1_dense_layer5_branch2_conv2 = nn.Conv2d(
            128, 32, kernel_size=3, padding=1, bias=False
        )
        self.denseblock1_dense_layer6_branch2_bn1 = nn.BatchNorm2d(224)
        self.denseblock1_dense_layer6_branch2_relu1 = nn.ReLU()
        self.denseblock1_dense_layer6_branch2_conv1 = nn.Conv2d(
            224, 128, kernel_size=1, bias=False
        )
        self.denseblock1_dense_layer6_branch2_bn2 = nn.BatchNorm2d(128)
        self.denseblock1_dense_layer6_branch2_relu2 = nn.ReLU()
        self.denseblock1_dense_layer6_branch2_conv2 = nn.Conv2d(
            128, 32, kernel_size=3, padding=1, bias=False
        )
        self.transition1_bn1 = nn.BatchNorm2d(256)
        self.transition1_relu1 = nn.ReLU()
        self.transition1_conv1 = nn.Conv2d(256, 128, kernel_size=1, bias=False)
        self.transition1_pool1 = nn.AvgPool2d(2)
        self.denseblock2_dense_layer1_branch2_bn1 = nn.BatchNorm2d(128)
        self.denseblock2_dense_layer1_branch2_relu1 = nn.ReLU()
        self.denseblock2_dense_layer1_branch2_conv1 = nn.Conv2d(
            128, 128, kernel_size=1, bias=False
        )
        self.denseblock2_dense_layer1_branch2_bn2 = nn.BatchNorm2d(128)
        self.denseblock2_dense_layer1_branch2_relu2 = nn.ReLU()
        self.denseblock2_dense_layer1_branch2_conv2 = nn.Conv2d(
            128, 32, kernel_size=3, padding=1, bias=False
        )
        self.denseblock2_dense_layer2_branch2_bn1 = nn.BatchNorm2d(160)
        self.denseblock2_dense_layer2_branch2_relu1 = nn.ReLU()
        self.denseblock2_dense_layer2_branch2_conv1 = nn.Conv2d(
            160, 128, kernel_size=1, bias=False
        )
        self.denseblock2_dense_layer2_branch2_bn2 = nn.BatchNorm2d(128)
        self.denseblock2_dense_layer2_branch2_relu2 = nn.ReLU()
        self.denseblock2_dense_layer2_branch2_conv2 = nn.Conv2d(
            128, 32, kernel_size=3, padding=1, bias=False
        )
        self.denseblock2_dense_layer3_branch2_bn1 = nn.BatchNorm2d(192)
        self.denseblock2_dense_layer3_branch2_relu1 = nn.ReLU()
        self.denseblock2_dense_layer3_branch2_conv1 = nn.Conv2d(
            192, 128, kernel_size=1, bias=False
        )
        self.denseblock2_dense_layer3_branch2_bn2 = nn.BatchNorm2d(128)
        self.denseblock2_dense_layer3_branch2_relu2 = nn.ReLU()
        self.denseblock2_dense_layer3_branch2_conv2 = nn.Conv2d(
            128, 32, kernel_size=3, padding=1, bias=False
        )
        self.denseblock2_dense_layer4_branch2_bn1 = nn.BatchNorm2d(224)
        self.denseblock2_dense_layer4_branch2_relu1 = nn.ReLU()
        self.denseblock2_dense_layer4_branch2_conv1 = nn.Conv2d(
            224, 128, kernel_size=1, bias=False
        )
        self.denseblock2_dense_layer4_branch2_bn2 = nn.BatchNorm2d(128)
        self.denseblock2_dense_layer4_branch2_relu2 = nn.ReLU()
        self.denseblock2_dense_layer4_branch2_conv2 = nn.Conv2d(
            128, 32, kernel_size=3, padding=1, bias=False
        )
        self.denseblock2_dense_layer5_branch2_bn1 = nn.BatchNorm2d(256)
        self.denseblock2_dense_layer5_branch2_relu1 = nn.ReLU()
        self.denseblock2_dense_layer5_branch2_conv1 = nn.Conv2d(
            256, 128, kernel_size=1, bias=False
        )
        self.denseblock2_dense_layer5_branch2_bn2 = nn.BatchNorm2d(128)
        self.denseblock2_dense_layer5_branch2_relu2 = nn.ReLU()
        self.denseblock2_dense_layer5_branch2_conv2 = nn.Conv2d(
            128, 32, kernel_size=3, padding=1, bias=False
        )
        self.denseblock2_dense_layer6_branch2_bn1 = nn.BatchNorm2d(288)
        self.denseblock2_dense_layer6_branch2_relu1 = nn.ReLU()
        self.denseblock2_dense_layer6_branch2_conv1 = nn.Conv2d(
            288, 128, kernel_size=1, bias=False
        )
        self.denseblock2_dense_layer6_branch2_bn2 = nn.BatchNorm2d(128)
        self.denseblock2_dense_layer6_branch2_relu2 = nn.ReLU()
        self.denseblock2_dense_layer6_branch2_conv2 = nn.Conv2d(
            128, 32, kernel_size=3, padding=1, bias=False
        )
        self.denseblock2_dense_layer7_branch2_bn1 = nn.BatchNorm2d(320)
        self.denseblock2_dense_layer7_branch2_relu1 = nn.ReLU()
        self.denseblock2_dense_layer7_branch2_conv1 = nn.Conv2d(
            320, 128, kernel_size=1, bias=False
        )
        self.denseblock2_dense_layer7_branch2_bn2 = nn.BatchNorm2d(128)
        self.denseblock2_dense_layer7_branch2_relu2 = nn.ReLU()
        self.denseblock2_dense_layer7_branch2_conv2 = nn.Conv2d(
            128, 32, kernel_size=3, padding=1, bias=False
        )
        self.denseblock2_dense_layer8_branch2_bn1 = nn.BatchNorm2d(352)
        self.denseblock2_dense_layer8_branch2_relu1 = nn.ReLU()
        self.denseblock2_dense_layer8_branch2_conv1 = nn.Conv2d(
            352, 128, kernel_size=1, bias=False
        )
        self.denseblock2_dense_layer8_branch2_bn2 = nn.BatchNorm2d(128)
        self.denseblock2_dense_layer8_branch2_relu2 = nn.ReLU()
        self.denseblock2_dense_layer8_branch2_conv2 = nn.Conv2d(
            128, 32, kernel_size=3, padding=1, bias=False
        )
        self.denseblock2_dense_layer9_branch2_bn1 = nn.BatchNorm2d(384)
        self.denseblock2_dense_layer9_branch2_relu1 = nn.ReLU()
        self.denseblock2_dense_layer9_branch2_conv1 = nn.Conv2d(
            384, 128, kernel_size=1, bias=False
        )
        self.denseblock2_dense_layer9_branch2_bn2 = nn.BatchNorm2d(128)
        self.denseblock2_dense_layer9_branch2_relu2 = nn.ReLU()
        self.denseblock2_dense_layer9_branch2_conv2 = nn.Conv2d(
            128, 32, kernel_size=3, padding=1, bias=False
        )
        self.denseblock2_dense_layer10_branch2_bn1 = nn.BatchNorm2d(416)
        self.denseblock2_dense_layer10_branch2_relu1 = nn.ReLU()
        self.denseblock2_dense_layer10_branch2_conv1 = nn.Conv2d(
            416, 128, kernel_size=1, bias=False
        )
        self.denseblock2_dense_layer10_branch2_bn2 = nn.BatchNorm2d(128)
        self.denseblock2_dense_layer10_branch2_relu2 = nn.ReLU()
        self.denseblock2_dense_layer10_branch2_conv2 = nn.Conv2d(
            128, 32, kernel_size=3, padding=1, bias=False
        )
        self.denseblock2_dense_layer11_branch2_bn1 = nn.BatchNorm2d(448)
        self.denseblock2_dense_layer11_branch2_relu1 = nn.ReLU()
        self.denseblock2_dense_layer11_branch2_conv1 = nn.Conv2d(
            448, 128, kernel_size=1, bias=False
        )
        self.denseblock2_dense_layer11_branch2_bn2 = nn.BatchNorm2d(128)
        self.denseblock2_dense_layer11_branch2_relu2 = nn.ReLU()
        self.denseblock2_dense_layer11_branch2_conv2 = nn.Conv2d(
            128, 32, kernel_size=3, padding=1, bias=False
        )
        self.denseblock2_dense_layer12_branch2_bn1 = nn.BatchNorm2d(480)
        self.denseblock2_dense_layer12_branch2_relu1 = nn.ReLU()
        self.denseblock2_dense_layer12_branch2_conv1 = nn.Conv2d(
            480, 128, kernel_size=1, bias=False
        )
        self.denseblock2_dense_layer12_branch2_bn2 = nn.BatchNorm2d(128)
        self.denseblock2_dense_layer12_branch2_relu2 = nn.ReLU()
        self.denseblock2_dense_layer12_branch2_conv2 = nn.Conv2d(
            128, 32, kernel_size=3, padding=1, bias=False
        )
        self.transition2_bn1 = nn.BatchNorm2d(512)
        self.transition2_relu1 = nn.ReLU()
        self.transition2_conv1 = nn.Conv2d(512, 256, kernel_size=1, bias=False)
        self.transition2_pool1 = nn.AvgPool2d(2)
        self.denseblock3_dense_layer1_branch2_bn1 = nn.BatchNorm2d(256)
        self.denseblock3_dense_layer1_branch2_relu1 = nn.ReLU()
        self.denseblock3_dense_layer1_branch2_conv1 = nn.Conv2d(
            256, 128, kernel_size=1, bias=False
        )
        self.denseblock3_dense_layer1_branch2_bn2 = nn.BatchNorm2d(128)
        self.denseblock3_dense_layer1_branch2_relu2 = nn.ReLU()
        self.denseblock3_dense_layer1_branch2_conv2 = nn.Conv2d(
            128, 32, kernel_size=3, padding=1, bias=False
        )
        self.denseblock3_dense_layer2_branch2_bn1 = nn.BatchNorm2d(288)
        self.denseblock3_dense_layer2_branch2_relu1 = nn.ReLU()
        self.denseblock3_dense_layer2_branch2_conv1 = nn.Conv2d(
            288, 128, kernel_size=1, bias=False
        )
        self.denseblock3_dense_layer2_branch2_bn2 = nn.BatchNorm2d(128)
        self.denseblock3_dense_layer2_branch2_relu2 = nn.ReLU()
        self.denseblock3_dense_layer2_branch2_conv2 = nn.Conv2d(
            128, 32, kernel_size=3, padding=1, bias=False
        )
        self.denseblock3_dense_layer3_branch2_bn1 = nn.BatchNorm2d(320)
        self.denseblock3_dense_layer3_branch2_relu1 = nn.ReLU()
        self.denseblock3_dense_layer3_branch2_conv1 = nn.Conv2d(
            320, 128, kernel_size=1, bias=False
        )
        self.denseblock3_dense_layer3_branch2_bn2 = nn.BatchNorm2d(128)
        self.denseblock3_dense_layer3_branch2_relu2 = nn.ReLU()
        self.denseblock3_dense_layer3_branch2_conv2 = nn.Conv2d(
            128, 32, kernel_size=3, padding=1, bias=False
        )
        self.denseblock3_dense_layer4_branch2_bn1 = nn.BatchNorm2d(352)
        self.denseblock3_dense_layer4_branch2_relu1 = nn.ReLU()
        self.denseblock3_dense_layer4_branch2_conv1 = nn.Conv2d(
            352, 128, kernel_size=1, bias=False
        )
        self.denseblock3_dense_layer4_branch2_bn2 = nn.BatchNorm2d(128)
        self.denseblock3_dense_layer4_branch2_relu2 = nn.ReLU()
        self.denseblock3_dense_layer4_branch2_conv2 = nn.Conv2d(
            128, 32, kernel_size=3, padding=1, bias=False
        )
        self.denseblock3_dense_layer5_branch2_bn1 = nn.BatchNorm2d(384)
        self.denseblock3_dense_layer5_branch2_relu1 = nn.ReLU()
        self.denseblock3_dense_layer5_branch2_conv1 = nn.Conv2d(
            384, 128, kernel_size=1, bias=False
        )
        self.denseblock3_dense_layer5_branch2_bn2 = nn.BatchNorm2d(128)
        self.denseblock3_dense_layer5_branch2_relu2 = nn.ReLU()
        self.denseblock3_dense_layer5_branch2_conv2 = nn.Conv2d(
            128, 32, kernel_size=3, padding=1, bias=False
        )
        self.denseblock3_dense_layer6_branch2_bn1 = nn.BatchNorm2d(416)
        self.denseblock3_dense_layer6_branch2_relu1 = nn.ReLU()
        self.denseblock3_dense_layer6_branch2_conv1 = nn.Conv2d(
            416, 128, kernel_size=1, bias=False
        )
        self.denseblock3_dense_layer6_branch2_bn2 = nn.BatchNorm2d(128)
        self.denseblock3_dense_layer6_branch2_relu2 = nn.ReLU()
        self.denseblock3_dense_layer6_branch2_conv2 = nn.Conv2d(
            128, 32, kernel_size=3, padding=1, bias=False
        )
        self.denseblock3_dense_layer7_branch2_bn1 = nn.BatchNorm2d(448)
        self.denseblock3_dense_layer7_branch2_relu1 = nn.ReLU()
        self.denseblock3_dense_layer7_branch2_conv1 = nn.Conv2d(
            448, 128, kernel_size=1, bias=False
        )
        self.denseblock3_dense_layer7_branch2_bn2 = nn.BatchNorm2d(128)
        self.denseblock3_dense_layer7_branch2_relu2 = nn.ReLU()
        self.denseblock3_dense_layer7_branch2_conv2 = nn.Conv2d(
            128, 32, kernel_size=3, padding=1, bias=False
        )
        self.denseblock3_dense_layer8_branch2_bn1 = nn.BatchNorm2d(480)
        self.denseblock3_dense_layer8_branch2_relu1 = nn.ReLU()
        self.denseblock3_dense_layer8_branch2_conv1 = nn.Conv2d(
            480, 128, kernel_size=1, bias=False
        )
        self.denseblock3_dense_layer8_branch2_bn2 = nn.BatchNorm2d(128)
        self.denseblock3_dense_layer8_branch2_relu2 = nn.ReLU()
        self.denseblock3_dense_layer8_branch2_conv2 = nn.Conv2d(
            128, 32, kernel_size=3, padding=1, bias=False
        )
        self.denseblock3_dense_layer9_branch2_bn1 = nn.BatchNorm2d(512)
        self.denseblock3_dense_layer9_branch2_relu1 = nn.ReLU()
        self.denseblock3_dense_layer9_branch2_conv1 = nn.Conv2d(
            512, 128, kernel_size=1, bias=False
        )
        self.denseblock3_dense_layer9_branch2_bn2 = nn.BatchNorm2d(128)
        self.denseblock3_dense_layer9_branch2_relu2 = nn.ReLU()
        self.denseblock3_dense_layer9_branch2_conv2 = nn.Conv2d(
            128, 32, kernel_size=3, padding=1, bias=False
        )
        self.denseblock3_dense_layer10_branch2_bn1 = nn.BatchNorm2d(544)
        self.denseblock3_dense_layer10_branch2_relu1 = nn.ReLU()
        self.denseblock3_dense_layer10_branch2_conv1 = nn.Conv2d(
            544, 128, kernel_size=1, bias=False
        )
        self.denseblock3_dense_layer10_branch2_bn2 = nn.BatchNorm2d(128)
        self.denseblock3_dense_layer10_branch2_relu2 = nn.ReLU()
        self.denseblock3_dense_layer10_branch2_conv2 = nn.Conv2d(
            128, 32, kernel_size=3, padding=1, bias=False
        )
        self.denseblock3_dense_layer11_branch2_bn1 = nn.BatchNorm2d(576)
        self.denseblock3_dense_layer11_branch2_relu1 = nn.ReLU()
        self.denseblock3_dense_layer11_branch2_conv1 = nn.Conv2d(
            576, 128, kernel_size=1, bias=False
        )
        self.denseblock3_dense_layer11_branch2_bn2 = nn.BatchNorm2d(128)
        self.denseblock3_dense_layer11_branch2_relu2 = nn.ReLU()
        self.denseblock3_dense_layer11_branch2_conv2 = nn.Conv2d(
            128, 32, kernel_size=3, padding=1, bias=False
        )
        self.denseblock3_dense_layer12_branch2_bn1 = nn.BatchNorm2d(608)
        self.denseblock3_dense_layer12_branch2_relu1 = nn.ReLU()
        self.denseblock3_dense_layer12_branch2_conv1 = nn.Conv2d(
            608, 128, kernel_size=1, bias=False
        )
        self.denseblock3_dense_layer12_branch2_bn2 = nn.BatchNorm2d(128)
        self.denseblock3_dense_layer12_branch2_relu2 = nn.ReLU()
        self.denseblock3_dense_layer12_branch2_conv2 = nn.Conv2d(
            128, 32, kernel_size=3, padding=1, bias=False
        )
        self.denseblock3_dense_layer13_branch2_bn1 = nn.BatchNorm2d(640)
        self.denseblock3_dense_layer13_branch2_relu1 = nn.ReLU()
        self.denseblock3_dense_layer13_branch2_conv1 = nn.Conv2d(
            640, 128, kernel_size=1, bias=False
        )
        self.denseblock3_dense_layer13_branch2_bn2 = nn.BatchNorm2d(128)
        self.denseblock3_dense_layer13_branch2_relu2 = nn.ReLU()
        self.denseblock3_dense_layer13_branch2_conv2 = nn.Conv2d(
            128, 32, kernel_size=3, padding=1, bias=False
        )
        self.denseblock3_dense_layer14_branch2_bn1 = nn.BatchNorm2d(672)
        self.denseblock3_dense_layer14_branch2_relu1 = nn.ReLU()
        self.denseblock3_dense_layer14_branch2_conv1 = nn.Conv2d(
            672, 128, kernel_size=1, bias=False
        )
        self.denseblock3_dense_layer14_branch2_bn2 = nn.BatchNorm2d(128)
        self.denseblock3_dense_layer14_branch2_relu2 = nn.ReLU()
        self.denseblock3_dense_layer14_branch2_conv2 = nn.Conv2d(
            128, 32, kernel_size=3, padding=1, bias=False
        )
        self.denseblock3_dense_layer15_branch2_bn1 = nn.BatchNorm2d(704)
        self.denseblock3_dense_layer15_branch2_relu1 = nn.ReLU()
        self.denseblock3_dense_layer15_branch2_conv1 = nn.Conv2d(
            704, 128, kernel_size=1, bias=False
        )
        self.denseblock3_dense_layer15_branch2_bn2 = nn.BatchNorm2d(128)
        self.denseblock3_dense_layer15_branch2_relu2 = nn.ReLU()
        self.denseblock3_dense_layer15_branch2_conv2 = nn.Conv2d(
            128, 32, kernel_size=3, padding=1, bias=False
        )
        self.denseblock3_dense_layer16_branch2_bn1 = nn.BatchNorm2d(736)
        self.denseblock3_dense_layer16_branch2_relu1 = nn.ReLU()
        self.denseblock3_dense_layer16_branch2_conv1 = nn.Conv2d(
            736, 128, kernel_size=1, bias=False
        )
        self.denseblock3_dense_layer16_branch2_bn2 = nn.BatchNorm2d(128)
        self.denseblock3_dense_layer16_branch2_relu2 = nn.ReLU()
        self.denseblock3_dense_layer16_branch2_conv2 = nn.Conv2d(
            128, 32, kernel_size=3, padding=1, bias=False
        )
        self.denseblock3_dense_layer17_branch2_bn1 = nn.BatchNorm2d(768)
        self.denseblock3_dense_layer17_branch2_relu1 = nn.ReLU()
        self.denseblock3_dense_layer17_branch2_conv1 = nn.Conv2d(
            768, 128, kernel_size=1, bias=False
        )
        self.denseblock3_dense_layer17_branch2_bn2 = nn.BatchNorm2d(128)
        self.denseblock3_dense_layer17_branch2_relu2 = nn.ReLU()
        self.denseblock3_dense_layer17_branch2_conv2 = nn.Conv2d(
            128, 32, kernel_size=3, padding=1, bias=False
        )
        self.denseblock3_dense_layer18_branch2_bn1 = nn.BatchNorm2d(800)
        self.denseblock3_dense_layer18_branch2_relu1 = nn.ReLU()
        self.denseblock3_dense_layer18_branch2_conv1 = nn.Conv2d(
            800, 128, kernel_size=1, bias=False
        )
        self.denseblock3_dense_layer18_branch2_bn2 = nn.BatchNorm2d(128)
        self.denseblock3_dense_layer18_branch2_relu2 = nn.ReLU()
        self.denseblock3_dense_layer18_branch2_conv2 = nn.Conv2d(
            128, 32, kernel_size=3, padding=1, bias=False
        )
        self.denseblock3_dense_layer19_branch2_bn1 = nn.BatchNorm2d(832)
        self.denseblock3_dense_layer19_branch2_relu1 = nn.ReLU()
        self.denseblock3_dense_layer19_branch2_conv1 = nn.Conv2d(
            832, 128, kernel_size=1, bias=False
        )
        self.denseblock3_dense_layer19_branch2_bn2 = nn.BatchNorm2d(128)
        self.denseblock3_dense_layer19_branch2_relu2 = nn.ReLU()
        self.denseblock3_dense_layer19_branch2_conv2 = nn.Conv2d(
            128, 32, kernel_size=3, padding=1, bias=False
        )
        self.denseblock3_dense_layer20_branch2_bn1 = nn.BatchNorm2d(864)
        self.denseblock3_dense_layer20_branch2_relu1 = nn.ReLU()
        self.denseblock3_dense_layer20_branch2_conv1 = nn.Conv2d(
            864, 128, kernel_size=1, bias=False
        )
        self.denseblock3_dense_layer20_branch2_bn2 = nn.BatchNorm2d(128)
        self.denseblock3_dense_layer20_branch2_relu2 = nn.ReLU()
        self.denseblock3_dense_layer20_branch2_conv2 = nn.Conv2d(
            128, 32, kernel_size=3, padding=1, bias=False
        )
        self.denseblock3_dense_layer21_branch2_bn1 = nn.BatchNorm2d(896)
        self.denseblock3_dense_layer21_branch2_relu1 = nn.ReLU()
        self.denseblock3_dense_layer21_branch2_conv1 = nn.Conv2d(
            896, 128, kernel_size=1, bias=False
        )
        self.denseblock3_dense_layer21_branch2_bn2 = nn.BatchNorm2d(128)
        self.denseblock3_dense_layer21_branch2_relu2 = nn.ReLU()
        self.denseblock3_dense_layer21_branch2_conv2 = nn.Conv2d(
            128, 32, kernel_size=3, padding=1, bias=False
        )
        self.denseblock3_dense_layer22_branch2_bn1 = nn.BatchNorm2d(928)
        self.denseblock3_dense_layer22_branch2_relu1 = nn.ReLU()
        self.denseblock3_dense_layer22_branch2_conv1 = nn.Conv2d(
            928, 128, kernel_size=1, bias=False
        )
        self.denseblock3_dense_layer22_branch2_bn2 = nn.BatchNorm2d(128)
        self.denseblock3_dense_layer22_branch2_relu2 = nn.ReLU()
        self.denseblock3_dense_layer22_branch2_conv2 = nn.Conv2d(
            128, 32, kernel_size=3, padding=1, bias=False
        )
        self.denseblock3_dense_layer23_branch2_bn1 = nn.BatchNorm2d(960)
        self.denseblock3_dense_layer23_branch2_relu1 = nn.ReLU()
        self.denseblock3_dense_layer23_branch2_conv1 = nn.Conv2d(
            960, 128, kernel_size=1, bias=False
        )
        self.denseblock3_dense_layer23_branch2_bn2 = nn.BatchNorm2d(128)
        self.denseblock3_dense_layer23_branch2_relu2 = nn.ReLU()
        self.denseblock3_dense_layer23_branch2_conv2 = nn.Conv2d(
            128, 32, kernel_size=3, padding=1, bias=False
        )
        self.denseblock3_dense_layer24_branch2_bn1 = nn.BatchNorm2d(992)
        self.denseblock3_dense_layer24_branch2_relu1 = nn.ReLU()
        self.denseblock3_dense_layer24_branch2_conv1 = nn.Conv2d(
            992, 128, kernel_size=1, bias=False
        )
        self.denseblock3_dense_layer24_branch2_bn2 = nn.BatchNorm2d(128)
        self.denseblock3_dense_layer24_branch2_relu2 = nn.ReLU()
        self.denseblock3_dense_layer24_branch2_conv2 = nn.Conv2d(
            128, 32, kernel_size=3, padding=1, bias=False
        )
        self.transition3_bn1 = nn.BatchNorm2d(1024)
        self.transition3_relu1 = nn.ReLU()
        self.transition3_conv1 = nn.Conv2d(1024, 512, kernel_size=1, bias=False)
        self.transition3_pool1 = nn.AvgPool2d(2)
        self.denseblock4_dense_layer1_branch2_bn1 = nn.BatchNorm2d(512)
        self.denseblock4_dense_layer1_branch2_relu1 = nn.ReLU()
        self.denseblock4_dense_layer1_branch2_conv1 = nn.Conv2d(
            512, 128, kernel_size=1, bias=False
        )
        self.denseblock4_dense_layer1_branch2_bn2 = nn.BatchNorm2d(128)
        self.denseblock4_dense_layer1_branch2_relu2 = nn.ReLU()
        self.denseblock4_dense_layer1_branch2_conv2 = nn.Conv2d(
            128, 32, kernel_size=3, padding=1, bias=False
        )
        self.denseblock4_dense_layer2_branch2_bn1 = nn.BatchNorm2d(544)
        self.denseblock4_dense_layer2_branch2_relu1 = nn.ReLU()
        self.denseblock4_dense_layer2_branch2_conv1 = nn.Conv2d(
            544, 128, kernel_size=1, bias=False
        )
        self.denseblock4_dense_layer2_branch2_bn2 = nn.BatchNorm2d(128)
        self.denseblock4_dense_layer2_branch2_relu2 = nn.ReLU()
        self.denseblock4_dense_layer2_branch2_conv2 = nn.Conv2d(
            128, 32, kernel_size=3, padding=1, bias=False
        )
        self.denseblock4_dense_layer3_branch2_bn1 = nn.BatchNorm2d(576)
        self.denseblock4_dense_layer3_branch2_relu1 = nn.ReLU()
        self.denseblock4_dense_layer3_branch2_conv1 = nn.Conv2d(
            576, 128, kernel_size=1, bias=False
        )
        self.denseblock4_dense_layer3_branch2_bn2 = nn.BatchNorm2d(128)
        self.denseblock4_dense_layer3_branch2_relu2 = nn.ReLU()
        self.denseblock4_dense_layer3_branch2_conv2 = nn.Conv2d(
            128, 32, kernel_size=3, padding=1, bias=False
        )
        self.denseblock4_dense_layer4_branch2_bn1 = nn.BatchNorm2d(608)
        self.denseblock4_dense_layer4_branch2_relu1 = nn.ReLU()
        self.denseblock4_dense_layer4_branch2_conv1 = nn.Conv2d(
            608, 128, kernel_size=1, bias=False
        )
        self.denseblock4_dense_layer4_branch2_bn2 = nn.BatchNorm2d(128)
        self.denseblock4_dense_layer4_branch2_relu2 = nn.ReLU()
        self.denseblock4_dense_layer4_branch2_conv2 = nn.Conv2d(
            128, 32, kernel_size=3, padding=1, bias=False
        )
        self.denseblock4_dense_layer5_branch2_bn1 = nn.BatchNorm2d(640)
        self.denseblock4_dense_layer5_branch2_relu1 = nn.ReLU()
        self.denseblock4_dense_layer5_branch2_conv1 = nn.Conv2d(
            640, 128, kernel_size=1, bias=False
        )
        self.denseblock4_dense_layer5_branch2_bn2 = nn.BatchNorm2d(128)
        self.denseblock4_dense_layer5_branch2_relu2 = nn.ReLU()
        self.denseblock4_dense_layer5_branch2_conv2 = nn.Conv2d(
            128, 32, kernel_size=3, padding=1, bias=False
        )
        self.denseblock4_dense_layer6_branch2_bn1 = nn.BatchNorm2d(672)
        self.denseblock4_dense_layer6_branch2_relu1 = nn.ReLU()
        self.denseblock4_dense_layer6_branch2_conv1 = nn.Conv2d(
            672, 128, kernel_size=1, bias=False
        )
        self.denseblock4_dense_layer6_branch2_bn2 = nn.BatchNorm2d(128)
        self.denseblock4_dense_layer6_branch2_relu2 = nn.ReLU()
        self.denseblock4_dense_layer6_branch2_conv2 = nn.Conv2d(
            128, 32, kernel_size=3, padding=1, bias=False
        )
        self.denseblock4_dense_layer7_branch2_bn1 = nn.BatchNorm2d(704)
        self.denseblock4_dense_layer7_branch2_relu1 = nn.ReLU()
        self.denseblock4_dense_layer7_branch2_conv1 = nn.Conv2d(
            704, 128, kernel_size=1, bias=False
        )
        self.denseblock4_dense_layer7_branch2_bn2 = nn.BatchNorm2d(128)
        self.denseblock4_dense_layer7_branch2_relu2 = nn.ReLU()
        self.denseblock4_dense_layer7_branch2_conv2 = nn.Conv2d(
            128, 32, kernel_size=3, padding=1, bias=False
        )
        self.denseblock4_dense_layer8_branch2_bn1 = nn.BatchNorm2d(736)
        self.denseblock4_dense_layer8_branch2_relu1 = nn.ReLU()
        self.denseblock4_dense_layer8_branch2_conv1 = nn.Conv2d(
            736, 128, kernel_size=1, bias=False
        )
        self.denseblock4_dense_layer8_branch2_bn2 = nn.BatchNorm2d(128)
        self.denseblock4_dense_layer8_branch2_relu2 = nn.ReLU()
        self.denseblock4_dense_layer8_branch2_conv2 = nn.Conv2d(
            128, 32, kernel_size=3, padding=1, bias=False
        )
        self.denseblock4_dense_layer9_branch2_bn1 = nn.BatchNorm2d(768)
        self.denseblock4_dense_layer9_branch2_relu1 = nn.ReLU()
        self.denseblock4_dense_layer9_branch2_conv1 = nn.Conv2d(
            768, 128, kernel_size=1, bias=False
        )
        self.denseblock4_dense_layer9_branch2_bn2 = nn.BatchNorm2d(128)
        self.denseblock4_dense_layer9_branch2_relu2 = nn.ReLU()
        self.denseblock4_dense_layer9_branch2_conv2 = nn.Conv2d(
            128, 32, kernel_size=3, padding=1, bias=False
        )
        self.denseblock4_dense_layer10_branch2_bn1 = nn.BatchNorm2d(800)
        self.denseblock4_dense_layer10_branch2_relu1 = nn.ReLU()
        self.denseblock4_dense_layer10_branch2_conv1 = nn.Conv2d(
            800, 128, kernel_size=1, bias=False
        )
        self.denseblock4_dense_layer10_branch2_bn2 = nn.BatchNorm2d(128)
        self.denseblock4_dense_layer10_branch2_relu2 = nn.ReLU()
        self.denseblock4_dense_layer10_branch2_conv2 = nn.Conv2d(
            128, 32, kernel_size=3, padding=1, bias=False
        )
        self.denseblock4_dense_layer11_branch2_bn1 = nn.BatchNorm2d(832)
        self.denseblock4_dense_layer11_branch2_relu1 = nn.ReLU()
        self.denseblock4_dense_layer11_branch2_conv1 = nn.Conv2d(
            832, 128, kernel_size=1, bias=False
        )
        self.denseblock4_dense_layer11_branch2_bn2 = nn.BatchNorm2d(128)
        self.denseblock4_dense_layer11_branch2_relu2 = nn.ReLU()
        self.denseblock4_dense_layer11_branch2_conv2 = nn.Conv2d(
            128, 32, kernel_size=3, padding=1, bias=False
        )
        self.denseblock4_dense_layer12_branch2_bn1 = nn.BatchNorm2d(864)
        self.denseblock4_dense_layer12_branch2_relu1 = nn.ReLU()
        self.denseblock4_dense_layer12_branch2_conv1 = nn.Conv2d(
            864, 128, kernel_size=1, bias=False
        )
        self.denseblock4_dense_layer12_branch2_bn2 = nn.BatchNorm2d(128)
        self.denseblock4_dense_layer12_branch2_relu2 = nn.ReLU()
        self.denseblock4_dense_layer12_branch2_conv2 = nn.Conv2d(
            128, 32, kernel_size=3, padding=1, bias=False
        )
        self.denseblock4_dense_layer13_branch2_bn1 = nn.BatchNorm2d(896)
        self.denseblock4_dense_layer13_branch2_relu1 = nn.ReLU()
        self.denseblock4_dense_layer13_branch2_conv1 = nn.Conv2d(
            896, 128, kernel_size=1, bias=False
        )
        self.denseblock4_dense_layer13_branch2_bn2 = nn.BatchNorm2d(128)
        self.denseblock4_dense_layer13_branch2_relu2 = nn.ReLU()
        self.denseblock4_dense_layer13_branch2_conv2 = nn.Conv2d(
            128, 32, kernel_size=3, padding=1, bias=False
        )
        self.denseblock4_dense_layer14_branch2_bn1 = nn.BatchNorm2d(928)
        self.denseblock4_dense_layer14_branch2_relu1 = nn.ReLU()
        self.denseblock4_dense_layer14_branch2_conv1 = nn.Conv2d(
            928, 128, kernel_size=1, bias=False
        )
        self.denseblock4_dense_layer14_branch2_bn2 = nn.BatchNorm2d(128)
        self.denseblock4_dense_layer14_branch2_relu2 = nn.ReLU()
        self.denseblock4_dense_layer14_branch2_conv2 = nn.Conv2d(
            128, 32, kernel_size=3, padding=1, bias=False
        )
        self.denseblock4_dense_layer15_branch2_bn1 = nn.BatchNorm2d(960)
        self.denseblock4_dense_layer15_branch2_relu1 = nn.ReLU()
        self.denseblock4_dense_layer15_branch2_conv1 = nn.Conv2d(
            960, 128, kernel_size=1, bias=False
        )
        self.denseblock4_dense_layer15_branch2_bn2 = nn.BatchNorm2d(128)
        self.denseblock4_dense_layer15_branch2_relu2 = nn.ReLU()
        self.denseblock4_dense_layer15_branch2_conv2 = nn.Conv2d(
            128, 32, kernel_size=3, padding=1, bias=False
        )
        self.denseblock4_dense_layer16_branch2_bn1 = nn.BatchNorm2d(992)
        self.denseblock4_dense_layer16_branch2_relu1 = nn.ReLU()
        self.denseblock4_dense_layer16_branch2_conv1 = nn.Conv2d(
            992, 128, kernel_size=1, bias=False
        )
        self.denseblock4_dense_layer16_branch2_bn2 = nn.BatchNorm2d(128)
        self.denseblock4_dense_layer16_branch2_relu2 = nn.ReLU()
        self.denseblock4_dense_layer16_branch2_conv2 = nn.Conv2d(
            128, 32, kernel_size=3, padding=1, bias=False
        )
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
        branch2 = self.denseblock1_dense_layer1_branch2_bn1(x)  # (N, 64, 56, 56)
        # (N, 64, 56, 56)
        branch2 = self.denseblock1_dense_layer1_branch2_relu1(branch2)
        # (N, 128, 56, 56)
        branch2 = self.denseblock1_dense_layer1_branch2_conv1(branch2)
        branch2 = self.denseblock1_dense_layer1_branch2_bn2(branch2)  # (N, 128, 56, 56)
        # (N, 128, 56, 56)
        branch2 = self.denseblock1_dense_layer1_branch2_relu2(branch2)
        # (N, 32, 56, 56)
        branch2 = self.denseblock1_dense_layer1_branch2_conv2(branch2)
        x = torch.cat([x, branch2], dim=1)  # (N, 96, 56, 56)
        branch2 = self.denseblock1_dense_layer2_branch2_bn1(x)  # (N, 96, 56, 56)
        # (N, 96, 56, 56)
        branch2 = self.denseblock1_dense_layer2_branch2_relu1(branch2)
        # (N, 128, 56, 56)
        branch2 = self.denseblock1_dense_layer2_branch2_conv1(branch2)
        branch2 = self.denseblock1_dense_layer2_branch2_bn2(branch2)  # (N, 128, 56, 56)
        # (N, 128, 56, 56)
        branch2 = self.denseblock1_dense_layer2_branch2_relu2(branch2)
        # (N, 32, 56, 56)
        branch2 = self.denseblock1_dense_layer2_branch2_conv2(branch2)
        x = torch.cat([x, branch2], dim=1)  # (N, 128, 56, 56)
        branch2 = self.denseblock1_dense_layer3_branch2_bn1(x)  # (N, 128, 56, 56)
        # (N, 128, 56, 56)
        branch2 = self.denseblock1_dense_layer3_branch2_relu1(branch2)
        # (N, 128, 56, 56)
        branch2 = self.denseblock1_dense_layer3_branch2_conv1(branch2)
        branch2 = self.denseblock1_dense_layer3_branch2_bn2(branch2)  # (N, 128, 56, 56)
        # (N, 128, 56, 56)
        branch2 = self.denseblock1_dense_layer3_branch2_relu2(branch2)
        # (N, 32, 56, 56)
        branch2 = self.denseblock1_dense_layer3_branch2_conv2(branch2)
        x = torch.cat([x, branch2], dim=1)  # (N, 160, 56, 56)
        branch2 = self.denseblock1_dense_layer4_branch2_bn1(x)  # (N, 160, 56, 56)
        # (N, 160, 56, 56)
        branch2 = self.denseblock1_dense_layer4_branch2_relu1(branch2)
        # (N, 128, 56, 56)
        branch2 = self.denseblock1_dense_layer4_branch2_conv1(branch2)
        branch2 = self.denseblock1_dense_layer4_branch2_bn2(branch2)  # (N, 128, 56, 56)
        # (N, 128, 56, 56)
        branch2 = self.denseblock1_dense_layer4_branch2_relu2(branch2)
        # (N, 32, 56, 56)
        branch2 = self.denseblock1_dense_layer4_branch2_conv2(branch2)
        x = torch.cat([x, branch2], dim=1)  # (N, 192, 56, 56)
        branch2 = self.denseblock1_dense_layer5_branch2_bn1(x)  # (N, 192, 56, 56)
        # (N, 192, 56, 56)
        branch2 = self.denseblock1_dense_layer5_branch2_relu1(branch2)
        # (N, 128, 56, 56)
        branch2 = self.denseblock1_dense_layer5_branch2_conv1(branch2)
        branch2 = self.denseblock1_dense_layer5_branch2_bn2(branch2)  # (N, 128, 56, 56)
        # (N, 128, 56, 56)
        branch2 = self.denseblock1_dense_layer5_branch2_relu2(branch2)
        # (N, 32, 56, 56)
        branch2 = self.denseblock1_dense_layer5_branch2_conv2(branch2)
        x = torch.cat([x, branch2], dim=1)  # (N, 224, 56, 56)
        branch2 = self.denseblock1_dense_layer6_branch2_bn1(x)  # (N, 224, 56, 56)
        # (N, 224, 56, 56)
        branch2 = self.denseblock1_dense_layer6_branch2_relu1(branch2)
        # (N, 128, 56, 56)
        branch2 = self.denseblock1_dense_layer6_branch2_conv1(branch2)
        branch2 = self.denseblock1_dense_layer6_branch2_bn2(branch2)  # (N, 128, 56, 56)
        # (N, 128, 56, 56)
        branch2 = self.denseblock1_dense_layer6_branch2_relu2(branch2)
        # (N, 32, 56, 56)
        branch2 = self.denseblock1_dense_layer6_branch2_conv2(branch2)
        x = torch.cat([x, branch2], dim=1)  # (N, 256, 56, 56)
        x = self.transition1_bn1(x)  # (N, 256, 56, 56)
        x = self.transition1_relu1(x)  # (N, 256, 56, 56)
        x = self.transition1_conv1(x)  # (N, 128, 56, 56)
        x = self.transition1_pool1(x)  # (N, 128, 28, 28)
        branch2 = self.denseblock2_dense_layer1_branch2_bn1(x)  # (N, 128, 28, 28)
        # (N, 128, 28, 28)
        branch2 = self.denseblock2_dense_layer1_branch2_relu1(branch2)
        # (N, 128, 28, 28)
        branch2 = self.denseblock2_dense_layer1_branch2_conv1(branch2)
        branch2 = self.denseblock2_dense_layer1_branch2_bn2(branch2)  # (N, 128, 28, 28)
        # (N, 128, 28, 28)
        branch2 = self.denseblock2_dense_layer1_branch2_relu2(branch2)
        # (N, 32, 28, 28)
        branch2 = self.denseblock2_dense_layer1_branch2_conv2(branch2)
        x = torch.cat([x, branch2], dim=1)  # (N, 160, 28, 28)
        branch2 = self.denseblock2_dense_layer2_branch2_bn1(x)  # (N, 160, 28, 28)
        # (N, 160, 28, 28)
        branch2 = self.denseblock2_dense_layer2_branch2_relu1(branch2)
        # (N, 128, 28, 28)
        branch2 = self.denseblock2_dense_layer2_branch2_conv1(branch2)
        branch2 = self.denseblock2_dense_layer2_branch2_bn2(branch2)  # (N, 128, 28, 28)
        # (N, 128, 28, 28)
        branch2 = self.denseblock2_dense_layer2_branch2_relu2(branch2)
        # (N, 32, 28, 28)
        branch2 = self.denseblock2_dense_layer2_branch2_conv2(branch2)
        x = torch.cat([x, branch2], dim=1)  # (N, 192, 28, 28)
        branch2 = self.denseblock2_dense_layer3_branch2_bn1(x)  # (N, 192, 28, 28)
        # (N, 192, 28, 28)
        branch2 = self.denseblock2_dense_layer3_branch2_relu1(branch2)
        # (N, 128, 28, 28)
        branch2 = self.denseblock2_dense_layer3_branch2_conv1(branch2)
        branch2 = self.denseblock2_dense_layer3_branch2_bn2(branch2)  # (N, 128, 28, 28)
        # (N, 128, 28, 28)
        branch2 = self.denseblock2_dense_layer3_branch2_relu2(branch2)
        # (N, 32, 28, 28)
        branch2 = self.denseblock2_dense_layer3_branch2_conv2(branch2)
        x = torch.cat([x, branch2], dim=1)  # (N, 224, 28, 28)
        branch2 = self.denseblock2_dense_layer4_branch2_bn1(x)  # (N, 224, 28, 28)
        # (N, 224, 28, 28)
        branch2 = self.denseblock2_dense_layer4_branch2_relu1(branch2)
        # (N, 128, 28, 28)
        branch2 = self.denseblock2_dense_layer4_branch2_conv1(branch2)
        branch2 = self.denseblock2_dense_layer4_branch2_bn2(branch2)  # (N, 128, 28, 28)
        # (N, 128, 28, 28)
        branch2 = self.denseblock2_dense_layer4_branch2_relu2(branch2)
        # (N, 32, 28, 28)
        branch2 = self.denseblock2_dense_layer4_branch2_conv2(branch2)
        x = torch.cat([x, branch2], dim=1)  # (N, 256, 28, 28)
        branch2 = self.denseblock2_dense_layer5_branch2_bn1(x)  # (N, 256, 28, 28)
        # (N, 256, 28, 28)
        branch2 = self.denseblock2_dense_layer5_branch2_relu1(branch2)
        # (N, 128, 28, 28)
        branch2 = self.denseblock2_dense_layer5_branch2_conv1(branch2)
        branch2 = self.denseblock2_dense_layer5_branch2_bn2(branch2)  # (N, 128, 28, 28)
        # (N, 128, 28, 28)
        branch2 = self.denseblock2_dense_layer5_branch2_relu2(branch2)
        # (N, 32, 28, 28)
        branch2 = self.denseblock2_dense_layer5_branch2_conv2(branch2)
        x = torch.cat([x, branch2], dim=1)  # (N, 288, 28, 28)
        branch2 = self.denseblock2_dense_layer6_branch2_bn1(x)  # (N, 288, 28, 28)
        # (N, 288, 28, 28)
        branch2 = self.denseblock2_dense_layer6_branch2_relu1(branch2)
        # (N, 128, 28, 28)
        branch2 = self.denseblock2_dense_layer6_branch2_conv1(branch2)
        branch2 = self.denseblock2_dense_layer6_branch2_bn2(branch2)  # (N, 128, 28, 28)
        # (N, 128, 28, 28)
        branch2 = self.denseblock2_dense_layer6_branch2_relu2(branch2)
        # (N, 32, 28, 28)
        branch2 = self.denseblock2_dense_layer6_branch2_conv2(branch2)
        x = torch.cat([x, branch2], dim=1)  # (N, 320, 28, 28)
        branch2 = self.denseblock2_dense_layer7_branch2_bn1(x)  # (N, 320, 28, 28)
        # (N, 320, 28, 28)
        branch2 = self.denseblock2_dense_layer7_branch2_relu1(branch2)
        # (N, 128, 28, 28)
        branch2 = self.denseblock2_dense_layer7_branch2_conv1(branch2)
        branch2 = self.denseblock2_dense_layer7_branch2_bn2(branch2)  # (N, 128, 28, 28)
        # (N, 128, 28, 28)
        branch2 = self.denseblock2_dense_layer7_branch2_relu2(branch2)
        # (N, 32, 28, 28)
        branch2 = self.denseblock2_dense_layer7_branch2_conv2(branch2)
        x = torch.cat([x, branch2], dim=1)  # (N, 352, 28, 28)
        branch2 = self.denseblock2_dense_layer8_branch2_bn1(x)  # (N, 352, 28, 28)
        # (N, 352, 28, 28)
        branch2 = self.denseblock2_dense_layer8_branch2_relu1(branch2)
        # (N, 128, 28, 28)
        branch2 = self.denseblock2_dense_layer8_branch2_conv1(branch2)
        branch2 = self.denseblock2_dense_layer8_branch2_bn2(branch2)  # (N, 128, 28, 28)
        # (N, 128, 28, 28)
        branch2 = self.denseblock2_dense_layer8_branch2_relu2(branch2)
        # (N, 32, 28, 28)
        branch2 = self.denseblock2_dense_layer8_branch2_conv2(branch2)
        x = torch.cat([x, branch2], dim=1)  # (N, 384, 28, 28)
        branch2 = self.denseblock2_dense_layer9_branch2_bn1(x)  # (N, 384, 28, 28)
        # (N, 384, 28, 28)
        branch2 = self.denseblock2_dense_layer9_branch2_relu1(branch2)
        # (N, 128, 28, 28)
        branch2 = self.denseblock2_dense_layer9_branch2_conv1(branch2)
        branch2 = self.denseblock2_dense_layer9_branch2_bn2(branch2)  # (N, 128, 28, 28)
        # (N, 128, 28, 28)
        branch2 = self.denseblock2_dense_layer9_branch2_relu2(branch2)
        # (N, 32, 28, 28)
        branch2 = self.denseblock2_dense_layer9_branch2_conv2(branch2)
        x = torch.cat([x, branch2], dim=1)  # (N, 416, 28, 28)
        branch2 = self.denseblock2_dense_layer10_branch2_bn1(x)  # (N, 416, 28, 28)
        # (N, 416, 28, 28)
        branch2 = self.denseblock2_dense_layer10_branch2_relu1(branch2)
        # (N, 128, 28, 28)
        branch2 = self.denseblock2_dense_layer10_branch2_conv1(branch2)
        # (N, 128, 28, 28)
        branch2 = self.denseblock2_dense_layer10_branch2_bn2(branch2)
        # (N, 128, 28, 28)
        branch2 = self.denseblock2_dense_layer10_branch2_relu2(branch2)
        # (N, 32, 28, 28)
        branch2 = self.denseblock2_dense_layer10_branch2_conv2(branch2)
        x = torch.cat([x, branch2], dim=1)  # (N, 448, 28, 28)
        branch2 = self.denseblock2_dense_layer11_branch2_bn1(x)  # (N, 448, 28, 28)
        # (N, 448, 28, 28)
        branch2 = self.denseblock2_dense_layer11_branch2_relu1(branch2)
        # (N, 128, 28, 28)
        branch2 = self.denseblock2_dense_layer11_branch2_conv1(branch2)
        # (N, 128, 28, 28)
        branch2 = self.denseblock2_dense_layer11_branch2_bn2(branch2)
        # (N, 128, 28, 28)
        branch2 = self.denseblock2_dense_layer11_branch2_relu2(branch2)
        # (N, 32, 28, 28)
        branch2 = self.denseblock2_dense_layer11_branch2_conv2(branch2)
        x = torch.cat([x, branch2], dim=1)  # (N, 480, 28, 28)
        branch2 = self.denseblock2_dense_layer12_branch2_bn1(x)  # (N, 480, 28, 28)
        # (N, 480, 28, 28)
        branch2 = self.denseblock2_dense_layer12_branch2_relu1(branch2)
        # (N, 128, 28, 28)
        branch2 = self.denseblock2_dense_layer12_branch2_conv1(branch2)
        # (N, 128, 28, 28)
        branch2 = self.denseblock2_dense_layer12_branch2_bn2(branch2)
        # (N, 128, 28, 28)
        branch2 = self.denseblock2_dense_layer12_branch2_relu2(branch2)
        # (N, 32, 28, 28)
        branch2 = self.denseblock2_dense_layer12_branch2_conv2(branch2)
        x = torch.cat([x, branch2], dim=1)  # (N, 512, 28, 28)
        x = self.transition2_bn1(x)  # (N, 512, 28, 28)
        x = self.transition2_relu1(x)  # (N, 512, 28, 28)
        x = self.transition2_conv1(x)  # (N, 256, 28, 28)
        x = self.transition2_pool1(x)  # (N, 256, 14, 14)
        branch2 = self.denseblock3_dense_layer1_branch2_bn1(x)  # (N, 256, 14, 14)
        # (N, 256, 14, 14)
        branch2 = self.denseblock3_dense_layer1_branch2_relu1(branch2)
        # (N, 128, 14, 14)
        branch2 = self.denseblock3_dense_layer1_branch2_conv1(branch2)
        branch2 = self.denseblock3_dense_layer1_branch2_bn2(branch2)  # (N, 128, 14, 14)
        # (N, 128, 14, 14)
        branch2 = self.denseblock3_dense_layer1_branch2_relu2(branch2)
        # (N, 32, 14, 14)
        branch2 = self.denseblock3_dense_layer1_branch2_conv2(branch2)
        x = torch.cat([x, branch2], dim=1)  # (N, 288, 14, 14)
        branch2 = self.denseblock3_dense_layer2_branch2_bn1(x)  # (N, 288, 14, 14)
        # (N, 288, 14, 14)
        branch2 = self.denseblock3_dense_layer2_branch2_relu1(branch2)
        # (N, 128, 14, 14)
        branch2 = self.denseblock3_dense_layer2_branch2_conv1(branch2)
        branch2 = self.denseblock3_dense_layer2_branch2_bn2(branch2)  # (N, 128, 14, 14)
        # (N, 128, 14, 14)
        branch2 = self.denseblock3_dense_layer2_branch2_relu2(branch2)
        # (N, 32, 14, 14)
        branch2 = self.denseblock3_dense_layer2_branch2_conv2(branch2)
        x = torch.cat([x, branch2], dim=1)  # (N, 320, 14, 14)
        branch2 = self.denseblock3_dense_layer3_branch2_bn1(x)  # (N, 320, 14, 14)
        # (N, 320, 14, 14)
        branch2 = self.denseblock3_dense_layer3_branch2_relu1(branch2)
        # (N, 128, 14, 14)
        branch2 = self.denseblock3_dense_layer3_branch2_conv1(branch2)
        branch2 = self.denseblock3_dense_layer3_branch2_bn2(branch2)  # (N, 128, 14, 14)
        # (N, 128, 14, 14)
        branch2 = self.denseblock3_dense_layer3_branch2_relu2(branch2)
        # (N, 32, 14, 14)
        branch2 = self.denseblock3_dense_layer3_branch2_conv2(branch2)
        x = torch.cat([x, branch2], dim=1)  # (N, 352, 14, 14)
        branch2 = self.denseblock3_dense_layer4_branch2_bn1(x)  # (N, 352, 14, 14)
        # (N, 352, 14, 14)
        branch2 = self.denseblock3_dense_layer4_branch2_relu1(branch2)
        # (N, 128, 14, 14)
        branch2 = self.denseblock3_dense_layer4_branch2_conv1(branch2)
        branch2 = self.denseblock3_dense_layer4_branch2_bn2(branch2)  # (N, 128, 14, 14)
        # (N, 128, 14, 14)
        branch2 = self.denseblock3_dense_layer4_branch2_relu2(branch2)
        # (N, 32, 14, 14)
        branch2 = self.denseblock3_dense_layer4_branch2_conv2(branch2)
        x = torch.cat([x, branch2], dim=1)  # (N, 384, 14, 14)
        branch2 = self.denseblock3_dense_layer5_branch2_bn1(x)  # (N, 384, 14, 14)
        # (N, 384, 14, 14)
        branch2 = self.denseblock3_dense_layer5_branch2_relu1(branch2)
        # (N, 128, 14, 14)
        branch2 = self.denseblock3_dense_layer5_branch2_conv1(branch2)
        branch2 = self.denseblock3_dense_layer5_branch2_bn2(branch2)  # (N, 128, 14, 14)
        # (N, 128, 14, 14)
        branch2 = self.denseblock3_dense_layer5_branch2_relu2(branch2)
        # (N, 32, 14, 14)
        branch2 = self.denseblock3_dense_layer5_branch2_conv2(branch2)
        x = torch.cat([x, branch2], dim=1)  # (N, 416, 14, 14)
        branch2 = self.denseblock3_dense_layer6_branch2_bn1(x)  # (N, 416, 14, 14)
        # (N, 416, 14, 14)
        branch2 = self.denseblock3_dense_layer6_branch2_relu1(branch2)
        # (N, 128, 14, 14)
        branch2 = self.denseblock3_dense_layer6_branch2_conv1(branch2)
        branch2 = self.denseblock3_dense_layer6_branch2_bn2(branch2)  # (N, 128, 14, 14)
        # (N, 128, 14, 14)
        branch2 = self.denseblock3_dense_layer6_branch2_relu2(branch2)
        # (N, 32, 14, 14)
        branch2 = self.denseblock3_dense_layer6_branch2_conv2(branch2)
        x = torch.cat([x, branch2], dim=1)  # (N, 448, 14, 14)
        branch2 = self.denseblock3_dense_layer7_branch2_bn1(x)  # (N, 448, 14, 14)
        # (N, 448, 14, 14)
        branch2 = self.denseblock3_dense_layer7_branch2_relu1(branch2)
        # (N, 128, 14, 14)
        branch2 = self.denseblock3_dense_layer7_branch2_conv1(branch2)
        branch2 = self.denseblock3_dense_layer7_branch2_bn2(branch2)  # (N, 128, 14, 14)
        # (N, 128, 14, 14)
        branch2 = self.denseblock3_dense_layer7_branch2_relu2(branch2)
        # (N, 32, 14, 14)
        branch2 = self.denseblock3_dense_layer7_branch2_conv2(branch2)
        x = torch.cat([x, branch2], dim=1)  # (N, 480, 14, 14)
        branch2 = self.denseblock3_dense_layer8_branch2_bn1(x)  # (N, 480, 14, 14)
        # (N, 480, 14, 14)
        branch2 = self.denseblock3_dense_layer8_branch2_relu1(branch2)
        # (N, 128, 14, 14)
        branch2 = self.denseblock3_dense_layer8_branch2_conv1(branch2)
        branch2 = self.denseblock3_dense_layer8_branch2_bn2(branch2)  # (N, 128, 14, 14)
        # (N, 128, 14, 14)
        branch2 = self.denseblock3_dense_layer8_branch2_relu2(branch2)
        # (N, 32, 14, 14)
        branch2 = self.denseblock3_dense_layer8_branch2_conv2(branch2)
        x = torch.cat([x, branch2], dim=1)  # (N, 512, 14, 14)
        branch2 = self.denseblock3_dense_layer9_branch2_bn1(x)  # (N, 512, 14, 14)
        # (N, 512, 14, 14)
        branch2 = self.denseblock3_dense_layer9_branch2_relu1(branch2)
        # (N, 128, 14, 14)
        branch2 = self.denseblock3_dense_layer9_branch2_conv1(branch2)
        branch2 = self.denseblock3_dense_layer9_branch2_bn2(branch2)  # (N, 128, 14, 14)
        # (N, 128, 14, 14)
        branch2 = self.denseblock3_dense_layer9_branch2_relu2(branch2)
        # (N, 32, 14, 14)
        branch2 = self.denseblock3_dense_layer9_branch2_conv2(branch2)
        x = torch.cat([x, branch2], dim=1)  # (N, 544, 14, 14)
        branch2 = self.denseblock3_dense_layer10_branch2_bn1(x)  # (N, 544, 14, 14)
        # (N, 544, 14, 14)
        branch2 = self.denseblock3_dense_layer10_branch2_relu1(branch2)
        # (N, 128, 14, 14)
        branch2 = self.denseblock3_dense_layer10_branch2_conv1(branch2)
        # (N, 128, 14, 14)
        branch2 = self.denseblock3_dense_layer10_branch2_bn2(branch2)
        # (N, 128, 14, 14)
        branch2 = self.denseblock3_dense_layer10_branch2_relu2(branch2)
        # (N, 32, 14, 14)
        branch2 = self.denseblock3_dense_layer10_branch2_conv2(branch2)
        x = torch.cat([x, branch2], dim=1)  # (N, 576, 14, 14)
        branch2 = self.denseblock3_dense_layer11_branch2_bn1(x)  # (N, 576, 14, 14)
        # (N, 576, 14, 14)
        branch2 = self.denseblock3_dense_layer11_branch2_relu1(branch2)
        # (N, 128, 14, 14)
        branch2 = self.denseblock3_dense_layer11_branch2_conv1(branch2)
        # (N, 128, 14, 14)
        branch2 = self.denseblock3_dense_layer11_branch2_bn2(branch2)
        # (N, 128, 14, 14)
        branch2 = self.denseblock3_dense_layer11_branch2_relu2(branch2)
        # (N, 32, 14, 14)
        branch2 = self.denseblock3_dense_layer11_branch2_conv2(branch2)
        x = torch.cat([x, branch2], dim=1)  # (N, 608, 14, 14)
        branch2 = self.denseblock3_dense_layer12_branch2_bn1(x)  # (N, 608, 14, 14)
        # (N, 608, 14, 14)
        branch2 = self.denseblock3_dense_layer12_branch2_relu1(branch2)
        # (N, 128, 14, 14)
        branch2 = self.denseblock3_dense_layer12_branch2_conv1(branch2)
        # (N, 128, 14, 14)
        branch2 = self.denseblock3_dense_layer12_branch2_bn2(branch2)
        # (N, 128, 14, 14)
        branch2 = self.denseblock3_dense_layer12_branch2_relu2(branch2)
        # (N, 32, 14, 14)
        branch2 = self.denseblock3_dense_layer12_branch2_conv2(branch2)
        x = torch.cat([x, branch2], dim=1)  # (N, 640, 14, 14)
        branch2 = self.denseblock3_dense_layer13_branch2_bn1(x)  # (N, 640, 14, 14)
        # (N, 640, 14, 14)
        branch2 = self.denseblock3_dense_layer13_branch2_relu1(branch2)
        # (N, 128, 14, 14)
        branch2 = self.denseblock3_dense_layer13_branch2_conv1(branch2)
        # (N, 128, 14, 14)
        branch2 = self.denseblock3_dense_layer13_branch2_bn2(branch2)
        # (N, 128, 14, 14)
        branch2 = self.denseblock3_dense_layer13_branch2_relu2(branch2)
        # (N, 32, 14, 14)
        branch2 = self.denseblock3_dense_layer13_branch2_conv2(branch2)
        x = torch.cat([x, branch2], dim=1)  # (N, 672, 14, 14)
        branch2 = self.denseblock3_dense_layer14_branch2_bn1(x)  # (N, 672, 14, 14)
        # (N, 672, 14, 14)
        branch2 = self.denseblock3_dense_layer14_branch2_relu1(branch2)
        # (N, 128, 14, 14)
        branch2 = self.denseblock3_dense_layer14_branch2_conv1(branch2)
        # (N, 128, 14, 14)
        branch2 = self.denseblock3_dense_layer14_branch2_bn2(branch2)
        # (N, 128, 14, 14)
        branch2 = self.denseblock3_dense_layer14_branch2_relu2(branch2)
        # (N, 32, 14, 14)
        branch2 = self.denseblock3_dense_layer14_branch2_conv2(branch2)
        x = torch.cat([x, branch2], dim=1)  # (N, 704, 14, 14)
        branch2 = self.denseblock3_dense_layer15_branch2_bn1(x)  # (N, 704, 14, 14)
        # (N, 704, 14, 14)
        branch2 = self.denseblock3_dense_layer15_branch2_relu1(branch2)
        # (N, 128, 14, 14)
        branch2 = self.denseblock3_dense_layer15_branch2_conv1(branch2)
        # (N, 128, 14, 14)
        branch2 = self.denseblock3_dense_layer15_branch2_bn2(branch2)
        # (N, 128, 14, 14)
        branch2 = self.denseblock3_dense_layer15_branch2_relu2(branch2)
        # (N, 32, 14, 14)
        branch2 = self.denseblock3_dense_layer15_branch2_conv2(branch2)
        x = torch.cat([x, branch2], dim=1)  # (N, 736, 14, 14)
        branch2 = self.denseblock3_dense_layer16_branch2_bn1(x)  # (N, 736, 14, 14)
        # (N, 736, 14, 14)
        branch2 = self.denseblock3_dense_layer16_branch2_relu1(branch2)
        # (N, 128, 14, 14)
        branch2 = self.denseblock3_dense_layer16_branch2_conv1(branch2)
        # (N, 128, 14, 14)
        branch2 = self.denseblock3_dense_layer16_branch2_bn2(branch2)
        # (N, 128, 14, 14)
        branch2 = self.denseblock3_dense_layer16_branch2_relu2(branch2)
        # (N, 32, 14, 14)
        branch2 = self.denseblock3_dense_layer16_branch2_conv2(branch2)
        x = torch.cat([x, branch2], dim=1)  # (N, 768, 14, 14)
        branch2 = self.denseblock3_dense_layer17_branch2_bn1(x)  # (N, 768, 14, 14)
        # (N, 768, 14, 14)
        branch2 = self.denseblock3_dense_layer17_branch2_relu1(branch2)
        # (N, 128, 14, 14)
        branch2 = self.denseblock3_dense_layer17_branch2_conv1(branch2)
        # (N, 128, 14, 14)
        branch2 = self.denseblock3_dense_layer17_branch2_bn2(branch2)
        # (N, 128, 14, 14)
        branch2 = self.denseblock3_dense_layer17_branch2_relu2(branch2)
        # (N, 32, 14, 14)
        branch2 = self.denseblock3_dense_layer17_branch2_conv2(branch2)
        x = torch.cat([x, branch2], dim=1)  # (N, 800, 14, 14)
        branch2 = self.denseblock3_dense_layer18_branch2_bn1(x)  # (N, 800, 14, 14)
        # (N, 800, 14, 14)
        branch2 = self.denseblock3_dense_layer18_branch2_relu1(branch2)
        # (N, 128, 14, 14)
        branch2 = self.denseblock3_dense_layer18_branch2_conv1(branch2)
        # (N, 128, 14, 14)
        branch2 = self.denseblock3_dense_layer18_branch2_bn2(branch2)
        # (N, 128, 14, 14)
        branch2 = self.denseblock3_dense_layer18_branch2_relu2(branch2)
        # (N, 32, 14, 14)
        branch2 = self.denseblock3_dense_layer18_branch2_conv2(branch2)
        x = torch.cat([x, branch2], dim=1)  # (N, 832, 14, 14)
        branch2 = self.denseblock3_dense_layer19_branch2_bn1(x)  # (N, 832, 14, 14)
        # (N, 832, 14, 14)
        branch2 = self.denseblock3_dense_layer19_branch2_relu1(branch2)
        # (N, 128, 14, 14)
        branch2 = self.denseblock3_dense_layer19_branch2_conv1(branch2)
        # (N, 128, 14, 14)
        branch2 = self.denseblock3_dense_layer19_branch2_bn2(branch2)
        # (N, 128, 14, 14)
        branch2 = self.denseblock3_dense_layer19_branch2_relu2(branch2)
        # (N, 32, 14, 14)
        branch2 = self.denseblock3_dense_layer19_branch2_conv2(branch2)
        x = torch.cat([x, branch2], dim=1)  # (N, 864, 14, 14)
        branch2 = self.denseblock3_dense_layer20_branch2_bn1(x)  # (N, 864, 14, 14)
        # (N, 864, 14, 14)
        branch2 = self.denseblock3_dense_layer20_branch2_relu1(branch2)
        # (N, 128, 14, 14)
        branch2 = self.denseblock3_dense_layer20_branch2_conv1(branch2)
        # (N, 128, 14, 14)
        branch2 = self.denseblock3_dense_layer20_branch2_bn2(branch2)
        # (N, 128, 14, 14)
        branch2 = self.denseblock3_dense_layer20_branch2_relu2(branch2)
        # (N, 32, 14, 14)
        branch2 = self.denseblock3_dense_layer20_branch2_conv2(branch2)
        x = torch.cat([x, branch2], dim=1)  # (N, 896, 14, 14)
        branch2 = self.denseblock3_dense_layer21_branch2_bn1(x)  # (N, 896, 14, 14)
        # (N, 896, 14, 14)
        branch2 = self.denseblock3_dense_layer21_branch2_relu1(branch2)
        # (N, 128, 14, 14)
        branch2 = self.denseblock3_dense_layer21_branch2_conv1(branch2)
        # (N, 128, 14, 14)
        branch2 = self.denseblock3_dense_layer21_branch2_bn2(branch2)
        # (N, 128, 14, 14)
        branch2 = self.denseblock3_dense_layer21_branch2_relu2(branch2)
        # (N, 32, 14, 14)
        branch2 = self.denseblock3_dense_layer21_branch2_conv2(branch2)
        x = torch.cat([x, branch2], dim=1)  # (N, 928, 14, 14)
        branch2 = self.denseblock3_dense_layer22_branch2_bn1(x)  # (N, 928, 14, 14)
        # (N, 928, 14, 14)
        branch2 = self.denseblock3_dense_layer22_branch2_relu1(branch2)
        # (N, 128, 14, 14)
        branch2 = self.denseblock3_dense_layer22_branch2_conv1(branch2)
        # (N, 128, 14, 14)
        branch2 = self.denseblock3_dense_layer22_branch2_bn2(branch2)
        # (N, 128, 14, 14)
        branch2 = self.denseblock3_dense_layer22_branch2_relu2(branch2)
        # (N, 32, 14, 14)
        branch2 = self.denseblock3_dense_layer22_branch2_conv2(branch2)
        x = torch.cat([x, branch2], dim=1)  # (N, 960, 14, 14)
        branch2 = self.denseblock3_dense_layer23_branch2_bn1(x)  # (N, 960, 14, 14)
        # (N, 960, 14, 14)
        branch2 = self.denseblock3_dense_layer23_branch2_relu1(branch2)
        # (N, 128, 14, 14)
        branch2 = self.denseblock3_dense_layer23_branch2_conv1(branch2)
        # (N, 128, 14, 14)
        branch2 = self.denseblock3_dense_layer23_branch2_bn2(branch2)
        # (N, 128, 14, 14)
        branch2 = self.denseblock3_dense_layer23_branch2_relu2(branch2)
        # (N, 32, 14, 14)
        branch2 = self.denseblock3_dense_layer23_branch2_conv2(branch2)
        x = torch.cat([x, branch2], dim=1)  # (N, 992, 14, 14)
        branch2 = self.denseblock3_dense_layer24_branch2_bn1(x)  # (N, 992, 14, 14)
        # (N, 992, 14, 14)
        branch2 = self.denseblock3_dense_layer24_branch2_relu1(branch2)
        # (N, 128, 14, 14)
        branch2 = self.denseblock3_dense_layer24_branch2_conv1(branch2)
        # (N, 128, 14, 14)
        branch2 = self.denseblock3_dense_layer24_branch2_bn2(branch2)
        # (N, 128, 14, 14)
        branch2 = self.denseblock3_dense_layer24_branch2_relu2(branch2)
        # (N, 32, 14, 14)
        branch2 = self.denseblock3_dense_layer24_branch2_conv2(branch2)
        x = torch.cat([x, branch2], dim=1)  # (N, 1024, 14, 14)
        x = self.transition3_bn1(x)  # (N, 1024, 14, 14)
        x = self.transition3_relu1(x)  # (N, 1024, 14, 14)
        x = self.transition3_conv1(x)  # (N, 512, 14, 14)
        x = self.transition3_pool1(x)  # (N, 512, 7, 7)
        branch2 = self.denseblock4_dense_layer1_branch2_bn1(x)  # (N, 512, 7, 7)
        branch2 = self.denseblock4_dense_layer1_branch2_relu1(branch2)  # (N, 512, 7, 7)
        branch2 = self.denseblock4_dense_layer1_branch2_conv1(branch2)  # (N, 128, 7, 7)
        branch2 = self.denseblock4_dense_layer1_branch2_bn2(branch2)  # (N, 128, 7, 7)
        branch2 = self.denseblock4_dense_layer1_branch2_relu2(branch2)  # (N, 128, 7, 7)
        branch2 = self.denseblock4_dense_layer1_branch2_conv2(branch2)  # (N, 32, 7, 7)
        x = torch.cat([x, branch2], dim=1)  # (N, 544, 7, 7)
        branch2 = self.denseblock4_dense_layer2_branch2_bn1(x)  # (N, 544, 7, 7)
        branch2 = self.denseblock4_dense_layer2_branch2_relu1(branch2)  # (N, 544, 7, 7)
        branch2 = self.denseblock4_dense_layer2_branch2_conv1(branch2)  # (N, 128, 7, 7)
        branch2 = self.denseblock4_dense_layer2_branch2_bn2(branch2)  # (N, 128, 7, 7)
        branch2 = self.denseblock4_dense_layer2_branch2_relu2(branch2)  # (N, 128, 7, 7)
        branch2 = self.denseblock4_dense_layer2_branch2_conv2(branch2)  # (N, 32, 7, 7)
        x = torch.cat([x, branch2], dim=1)  # (N, 576, 7, 7)
        branch2 = self.denseblock4_dense_layer3_branch2_bn1(x)  # (N, 576, 7, 7)
        branch2 = self.denseblock4_dense_layer3_branch2_relu1(branch2)  # (N, 576, 7, 7)
        branch2 = self.denseblock4_dense_layer3_branch2_conv1(branch2)  # (N, 128, 7, 7)
        branch2 = self.denseblock4_dense_layer3_branch2_bn2(branch2)  # (N, 128, 7, 7)
        branch2 = self.denseblock4_dense_layer3_branch2_relu2(branch2)  # (N, 128, 7, 7)
        branch2 = self.denseblock4_dense_layer3_branch2_conv2(branch2)  # (N, 32, 7, 7)
        x = torch.cat([x, branch2], dim=1)  # (N, 608, 7, 7)
        branch2 = self.denseblock4_dense_layer4_branch2_bn1(x)  # (N, 608, 7, 7)
        branch2 = self.denseblock4_dense_layer4_branch2_relu1(branch2)  # (N, 608, 7, 7)
        branch2 = self.denseblock4_dense_layer4_branch2_conv1(branch2)  # (N, 128, 7, 7)
        branch2 = self.denseblock4_dense_layer4_branch2_bn2(branch2)  # (N, 128, 7, 7)
        branch2 = self.denseblock4_dense_layer4_branch2_relu2(branch2)  # (N, 128, 7, 7)
        branch2 = self.denseblock4_dense_layer4_branch2_conv2(branch2)  # (N, 32, 7, 7)
        x = torch.cat([x, branch2], dim=1)  # (N, 640, 7, 7)
        branch2 = self.denseblock4_dense_layer5_branch2_bn1(x)  # (N, 640, 7, 7)
        branch2 = self.denseblock4_dense_layer5_branch2_relu1(branch2)  # (N, 640, 7, 7)
        branch2 = self.denseblock4_dense_layer5_branch2_conv1(branch2)  # (N, 128, 7, 7)
        branch2 = self.denseblock4_dense_layer5_branch2_bn2(branch2)  # (N, 128, 7, 7)
        branch2 = self.denseblock4_dense_layer5_branch2_relu2(branch2)  # (N, 128, 7, 7)
        branch2 = self.denseblock4_dense_layer5_branch2_conv2(branch2)  # (N, 32, 7, 7)
        x = torch.cat([x, branch2], dim=1)  # (N, 672, 7, 7)
        branch2 = self.denseblock4_dense_layer6_branch2_bn1(x)  # (N, 672, 7, 7)
        branch2 = self.denseblock4_dense_layer6_branch2_relu1(branch2)  # (N, 672, 7, 7)
        branch2 = self.denseblock4_dense_layer6_branch2_conv1(branch2)  # (N, 128, 7, 7)
        branch2 = self.denseblock4_dense_layer6_branch2_bn2(branch2)  # (N, 128, 7, 7)
        branch2 = self.denseblock4_dense_layer6_branch2_relu2(branch2)  # (N, 128, 7, 7)
        branch2 = self.denseblock4_dense_layer6_branch2_conv2(branch2)  # (N, 32, 7, 7)
        x = torch.cat([x, branch2], dim=1)  # (N, 704, 7, 7)
        branch2 = self.denseblock4_dense_layer7_branch2_bn1(x)  # (N, 704, 7, 7)
        branch2 = self.denseblock4_dense_layer7_branch2_relu1(branch2)  # (N, 704, 7, 7)
        branch2 = self.denseblock4_dense_layer7_branch2_conv1(branch2)  # (N, 128, 7, 7)
        branch2 = self.denseblock4_dense_layer7_branch2_bn2(branch2)  # (N, 128, 7, 7)
        branch2 = self.denseblock4_dense_layer7_branch2_relu2(branch2)  # (N, 128, 7, 7)
        branch2 = self.denseblock4_dense_layer7_branch2_conv2(branch2)  # (N, 32, 7, 7)
        x = torch.cat([x, branch2], dim=1)  # (N, 736, 7, 7)
        branch2 = self.denseblock4_dense_layer8_branch2_bn1(x)  # (N, 736, 7, 7)
        branch2 = self.denseblock4_dense_layer8_branch2_relu1(branch2)  # (N, 736, 7, 7)
        branch2 = self.denseblock4_dense_layer8_branch2_conv1(branch2)  # (N, 128, 7, 7)
        branch2 = self.denseblock4_dense_layer8_branch2_bn2(branch2)  # (N, 128, 7, 7)
        branch2 = self.denseblock4_dense_layer8_branch2_relu2(branch2)  # (N, 128, 7, 7)
        branch2 = self.denseblock4_dense_layer8_branch2_conv2(branch2)  # (N, 32, 7, 7)
        x = torch.cat([x, branch2], dim=1)  # (N, 768, 7, 7)
        branch2 = self.denseblock4_dense_layer9_branch2_bn1(x)  # (N, 768, 7, 7)
        branch2 = self.denseblock4_dense_layer9_branch2_relu1(branch2)  # (N, 768, 7, 7)
        branch2 = self.denseblock4_dense_layer9_branch2_conv1(branch2)  # (N, 128, 7, 7)
        branch2 = self.denseblock4_dense_layer9_branch2_bn2(branch2)  # (N, 128, 7, 7)
        branch2 = self.denseblock4_dense_layer9_branch2_relu2(branch2)  # (N, 128, 7, 7)
        branch2 = self.denseblock4_dense_layer9_branch2_conv2(branch2)  # (N, 32, 7, 7)
        x = torch.cat([x, branch2], dim=1)  # (N, 800, 7, 7)
        branch2 = self.denseblock4_dense_layer10_branch2_bn1(x)  # (N, 800, 7, 7)
        # (N, 800, 7, 7)
        branch2 = self.denseblock4_dense_layer10_branch2_relu1(branch2)
        # (N, 128, 7, 7)
        branch2 = self.denseblock4_dense_layer10_branch2_conv1(branch2)
        branch2 = self.denseblock4_dense_layer10_branch2_bn2(branch2)  # (N, 128, 7, 7)
        # (N, 128, 7, 7)
        branch2 = self.denseblock4_dense_layer10_branch2_relu2(branch2)
        branch2 = self.denseblock4_dense_layer10_branch2_conv2(branch2)  # (N, 32, 7, 7)
        x = torch.cat([x, branch2], dim=1)  # (N, 832, 7, 7)
        branch2 = self.denseblock4_dense_layer11_branch2_bn1(x)  # (N, 832, 7, 7)
        # (N, 832, 7, 7)
        branch2 = self.denseblock4_dense_layer11_branch2_relu1(branch2)
        # (N, 128, 7, 7)
        branch2 = self.denseblock4_dense_layer11_branch2_conv1(branch2)
        branch2 = self.denseblock4_dense_layer11_branch2_bn2(branch2)  # (N, 128, 7, 7)
        # (N, 128, 7, 7)
        branch2 = self.denseblock4_dense_layer11_branch2_relu2(branch2)
        branch2 = self.denseblock4_dense_layer11_branch2_conv2(branch2)  # (N, 32, 7, 7)
        x = torch.cat([x, branch2], dim=1)  # (N, 864, 7, 7)
        branch2 = self.denseblock4_dense_layer12_branch2_bn1(x)  # (N, 864, 7, 7)
        # (N, 864, 7, 7)
        branch2 = self.denseblock4_dense_layer12_branch2_relu1(branch2)
        # (N, 128, 7, 7)
        branch2 = self.denseblock4_dense_layer12_branch2_conv1(branch2)
        branch2 = self.denseblock4_dense_layer12_branch2_bn2(branch2)  # (N, 128, 7, 7)
        # (N, 128, 7, 7)
        branch2 = self.denseblock4_dense_layer12_branch2_relu2(branch2)
        branch2 = self.denseblock4_dense_layer12_branch2_conv2(branch2)  # (N, 32, 7, 7)
        x = torch.cat([x, branch2], dim=1)  # (N, 896, 7, 7)
        branch2 = self.denseblock4_dense_layer13_branch2_bn1(x)  # (N, 896, 7, 7)
        # (N, 896, 7, 7)
        branch2 = self.denseblock4_dense_layer13_branch2_relu1(branch2)
        # (N, 128, 7, 7)
        branch2 = self.denseblock4_dense_layer13_branch2_conv1(branch2)
        branch2 = self.denseblock4_dense_layer13_branch2_bn2(branch2)  # (N, 128, 7, 7)
        # (N, 128, 7, 7)
        branch2 = self.denseblock4_dense_layer13_branch2_relu2(branch2)
        branch2 = self.denseblock4_dense_layer13_branch2_conv2(branch2)  # (N, 32, 7, 7)
        x = torch.cat([x, branch2], dim=1)  # (N, 928, 7, 7)
        branch2 = self.denseblock4_dense_layer14_branch2_bn1(x)  # (N, 928, 7, 7)
        # (N, 928, 7, 7)
        branch2 = self.denseblock4_dense_layer14_branch2_relu1(branch2)
        # (N, 128, 7, 7)
        branch2 = self.denseblock4_dense_layer14_branch2_conv1(branch2)
        branch2 = self.denseblock4_dense_layer14_branch2_bn2(branch2)  # (N, 128, 7, 7)
        # (N, 128, 7, 7)
        branch2 = self.denseblock4_dense_layer14_branch2_relu2(branch2)
        branch2 = self.denseblock4_dense_layer14_branch2_conv2(branch2)  # (N, 32, 7, 7)
        x = torch.cat([x, branch2], dim=1)  # (N, 960, 7, 7)
        branch2 = self.denseblock4_dense_layer15_branch2_bn1(x)  # (N, 960, 7, 7)
        # (N, 960, 7, 7)
        branch2 = self.denseblock4_dense_layer15_branch2_relu1(branch2)
        # (N, 128, 7, 7)
        branch2 = self.denseblock4_dense_layer15_branch2_conv1(branch2)
        branch2 = self.denseblock4_dense_layer15_branch2_bn2(branch2)  # (N, 128, 7, 7)
        # (N, 128, 7, 7)
        branch2 = self.denseblock4_dense_layer15_branch2_relu2(branch2)
        branch2 = self.denseblock4_dense_layer15_branch2_conv2(branch2)  # (N, 32, 7, 7)
        x = torch.cat([x, branch2], dim=1)  # (N, 992, 7, 7)
        branch2 = self.denseblock4_dense_layer16_branch2_bn1(x)  # (N, 992, 7, 7)
        # (N, 992, 7, 7)
        branch2 = self.denseblock4_dense_layer16_branch2_relu1(branch2)
        # (N, 128, 7, 7)
        branch2 = self.denseblock4_dense_layer16_branch2_conv1(branch2)
        branch2 = self.denseblock4_dense_layer16_branch2_bn2(branch2)  # (N, 128, 7, 7)
        # (N, 128, 7, 7)
        branch2 = self.denseblock4_dense_layer16_branch2_relu2(branch2)
        branch2 = self.denseblock4_dense_layer16_branch2_conv2(branch2)  # (N, 32, 7, 7)
        x = torch.cat([x, branch2], dim=1)  # (N, 1024, 7, 7)
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
