"""Seven ImageNet-era networks written by hand in PyTorch, for the graph specs' tests.

Each function returns an `nn.Module` laid out as torchvision (or, for U-Net, Ronneberger et al.
2015) builds it, without importing torchvision or any netspec code, so that a mistake in netspec's
elaboration, shape rules or counts shows up as a mismatch. PUBLISHED holds the parameter count each
one must have (torchvision's model cards; U-Net: the paper's network with biases, 2 classes).

Only the layers that carry weights or change shapes matter to the tests; initialisation is torch's
default, and nothing here is trained.
"""

from __future__ import annotations

import torch
from torch import nn

PUBLISHED = {
    "resnet18": 11_689_512,
    "resnet50": 25_557_032,
    "googlenet": 6_624_904,
    "mobilenet_v2": 3_504_872,
    "densenet121": 7_978_856,
    "squeezenet": 1_235_496,
    "unet": 31_030_658,
}


def conv_bn(c_in: int, c_out: int, kernel: int, stride: int = 1, padding: int = 0, groups: int = 1) -> list[nn.Module]:
    return [nn.Conv2d(c_in, c_out, kernel, stride, padding, groups=groups, bias=False), nn.BatchNorm2d(c_out)]


# ResNet (He et al. 2016; torchvision.models.resnet: v1.5, the stride on the 3x3 convolution)


class BasicBlock(nn.Module):
    def __init__(self, c_in: int, width: int, stride: int):
        super().__init__()
        self.body = nn.Sequential(*conv_bn(c_in, width, 3, stride, 1), nn.ReLU(), *conv_bn(width, width, 3, 1, 1))
        projection = stride != 1 or c_in != width
        self.shortcut = nn.Sequential(*conv_bn(c_in, width, 1, stride)) if projection else nn.Identity()
        self.relu = nn.ReLU()

    def forward(self, x):
        return self.relu(self.body(x) + self.shortcut(x))


class Bottleneck(nn.Module):
    def __init__(self, c_in: int, width: int, stride: int):
        super().__init__()
        c_out = width * 4
        self.body = nn.Sequential(
            *conv_bn(c_in, width, 1), nn.ReLU(),
            *conv_bn(width, width, 3, stride, 1), nn.ReLU(),
            *conv_bn(width, c_out, 1),
        )  # fmt: skip
        projection = stride != 1 or c_in != c_out
        self.shortcut = nn.Sequential(*conv_bn(c_in, c_out, 1, stride)) if projection else nn.Identity()
        self.relu = nn.ReLU()

    def forward(self, x):
        return self.relu(self.body(x) + self.shortcut(x))


def _resnet(block: type[nn.Module], expansion: int, blocks: tuple[int, ...]) -> nn.Module:
    layers: list[nn.Module] = [*conv_bn(3, 64, 7, 2, 3), nn.ReLU(), nn.MaxPool2d(3, 2, 1)]
    c_in = 64
    for stage, (width, count) in enumerate(zip((64, 128, 256, 512), blocks)):
        for i in range(count):
            stride = 2 if stage > 0 and i == 0 else 1
            layers.append(block(c_in, width, stride))
            c_in = width * expansion
    layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(c_in, 1000)]
    return nn.Sequential(*layers)


def resnet18() -> nn.Module:
    return _resnet(BasicBlock, 1, (2, 2, 2, 2))


def resnet50() -> nn.Module:
    return _resnet(Bottleneck, 4, (3, 4, 6, 3))


# GoogLeNet (Szegedy et al. 2015; torchvision.models.googlenet, aux_logits=False, transform_input=False)


def basic_conv(c_in: int, c_out: int, kernel: int, stride: int = 1, padding: int = 0) -> nn.Sequential:
    """torchvision's BasicConv2d: convolution without bias, batch norm with eps 0.001, ReLU."""
    return nn.Sequential(
        nn.Conv2d(c_in, c_out, kernel, stride, padding, bias=False), nn.BatchNorm2d(c_out, eps=0.001), nn.ReLU()
    )


class Inception(nn.Module):
    # torchvision's "5x5" branch is a 3x3 convolution (a known slip kept for its pretrained weights)
    def __init__(self, c_in: int, ch1x1: int, ch3x3red: int, ch3x3: int, ch5x5red: int, ch5x5: int, pool_proj: int):
        super().__init__()
        self.branches = nn.ModuleList(
            [
                basic_conv(c_in, ch1x1, 1),
                nn.Sequential(basic_conv(c_in, ch3x3red, 1), basic_conv(ch3x3red, ch3x3, 3, padding=1)),
                nn.Sequential(basic_conv(c_in, ch5x5red, 1), basic_conv(ch5x5red, ch5x5, 3, padding=1)),
                nn.Sequential(nn.MaxPool2d(3, 1, 1, ceil_mode=True), basic_conv(c_in, pool_proj, 1)),
            ]
        )

    def forward(self, x):
        return torch.cat([branch(x) for branch in self.branches], 1)


def googlenet() -> nn.Module:
    return nn.Sequential(
        basic_conv(3, 64, 7, 2, 3), nn.MaxPool2d(3, 2, ceil_mode=True),
        basic_conv(64, 64, 1), basic_conv(64, 192, 3, padding=1), nn.MaxPool2d(3, 2, ceil_mode=True),
        Inception(192, 64, 96, 128, 16, 32, 32),
        Inception(256, 128, 128, 192, 32, 96, 64),
        nn.MaxPool2d(3, 2, ceil_mode=True),
        Inception(480, 192, 96, 208, 16, 48, 64),
        Inception(512, 160, 112, 224, 24, 64, 64),
        Inception(512, 128, 128, 256, 24, 64, 64),
        Inception(512, 112, 144, 288, 32, 64, 64),
        Inception(528, 256, 160, 320, 32, 128, 128),
        nn.MaxPool2d(2, 2, ceil_mode=True),
        Inception(832, 256, 160, 320, 32, 128, 128),
        Inception(832, 384, 192, 384, 48, 128, 128),
        nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Dropout(0.2), nn.Linear(1024, 1000),
    )  # fmt: skip


# MobileNetV2 (Sandler et al. 2018; torchvision.models.mobilenet_v2, width 1.0)


def conv_bn_relu6(c_in: int, c_out: int, kernel: int, stride: int = 1, groups: int = 1) -> list[nn.Module]:
    return [*conv_bn(c_in, c_out, kernel, stride, (kernel - 1) // 2, groups), nn.ReLU6()]


class InvertedResidual(nn.Module):
    def __init__(self, c_in: int, c_out: int, stride: int, expand: int):
        super().__init__()
        hidden = c_in * expand
        layers = conv_bn_relu6(c_in, hidden, 1) if expand != 1 else []
        layers += [*conv_bn_relu6(hidden, hidden, 3, stride, groups=hidden), *conv_bn(hidden, c_out, 1)]
        self.body = nn.Sequential(*layers)
        self.residual = stride == 1 and c_in == c_out

    def forward(self, x):
        return x + self.body(x) if self.residual else self.body(x)


def mobilenet_v2() -> nn.Module:
    layers: list[nn.Module] = conv_bn_relu6(3, 32, 3, 2)
    c_in = 32
    # expansion t, channels c, repeats n, first stride s (the paper's Table 2)
    for t, c, n, s in ((1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)):  # fmt: skip
        for i in range(n):
            layers.append(InvertedResidual(c_in, c, s if i == 0 else 1, t))
            c_in = c
    layers += [
        *conv_bn_relu6(c_in, 1280, 1),
        nn.AdaptiveAvgPool2d(1),
        nn.Flatten(),
        nn.Dropout(0.2),
        nn.Linear(1280, 1000),
    ]
    return nn.Sequential(*layers)


# DenseNet-121 (Huang et al. 2017; torchvision.models.densenet121: growth 32, bottleneck 4x, compression 0.5)


class DenseLayer(nn.Module):
    def __init__(self, c_in: int, growth: int):
        super().__init__()
        self.body = nn.Sequential(
            nn.BatchNorm2d(c_in), nn.ReLU(), nn.Conv2d(c_in, 4 * growth, 1, bias=False),
            nn.BatchNorm2d(4 * growth), nn.ReLU(), nn.Conv2d(4 * growth, growth, 3, padding=1, bias=False),
        )  # fmt: skip

    def forward(self, x):
        return torch.cat([x, self.body(x)], 1)  # earlier features first, as torchvision does


def densenet121() -> nn.Module:
    growth, c = 32, 64
    layers: list[nn.Module] = [*conv_bn(3, c, 7, 2, 3), nn.ReLU(), nn.MaxPool2d(3, 2, 1)]
    for i, count in enumerate((6, 12, 24, 16)):
        for _ in range(count):
            layers.append(DenseLayer(c, growth))
            c += growth
        if i < 3:  # transition: halve channels and size
            layers += [nn.BatchNorm2d(c), nn.ReLU(), nn.Conv2d(c, c // 2, 1, bias=False), nn.AvgPool2d(2, 2)]
            c //= 2
    layers += [nn.BatchNorm2d(c), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(), nn.Linear(c, 1000)]
    return nn.Sequential(*layers)


# SqueezeNet 1.1 (Iandola et al. 2016; torchvision.models.squeezenet1_1)


class Fire(nn.Module):
    def __init__(self, c_in: int, squeeze: int, expand1x1: int, expand3x3: int):
        super().__init__()
        self.squeeze = nn.Sequential(nn.Conv2d(c_in, squeeze, 1), nn.ReLU())
        self.expand1x1 = nn.Sequential(nn.Conv2d(squeeze, expand1x1, 1), nn.ReLU())
        self.expand3x3 = nn.Sequential(nn.Conv2d(squeeze, expand3x3, 3, padding=1), nn.ReLU())

    def forward(self, x):
        x = self.squeeze(x)
        return torch.cat([self.expand1x1(x), self.expand3x3(x)], 1)


def squeezenet() -> nn.Module:
    return nn.Sequential(
        nn.Conv2d(3, 64, 3, 2), nn.ReLU(), nn.MaxPool2d(3, 2, ceil_mode=True),
        Fire(64, 16, 64, 64), Fire(128, 16, 64, 64), nn.MaxPool2d(3, 2, ceil_mode=True),
        Fire(128, 32, 128, 128), Fire(256, 32, 128, 128), nn.MaxPool2d(3, 2, ceil_mode=True),
        Fire(256, 48, 192, 192), Fire(384, 48, 192, 192), Fire(384, 64, 256, 256), Fire(512, 64, 256, 256),
        nn.Dropout(0.5), nn.Conv2d(512, 1000, 1), nn.ReLU(), nn.AdaptiveAvgPool2d(1), nn.Flatten(),
    )  # fmt: skip


# U-Net (Ronneberger et al. 2015, Fig. 1: valid 3x3 convolutions, 2x2 up-convolutions, copy and crop)


def double_conv(c_in: int, c_out: int) -> nn.Sequential:
    return nn.Sequential(nn.Conv2d(c_in, c_out, 3), nn.ReLU(), nn.Conv2d(c_out, c_out, 3), nn.ReLU())


def center_crop(x: torch.Tensor, height: int, width: int) -> torch.Tensor:
    top, left = (x.shape[2] - height) // 2, (x.shape[3] - width) // 2
    return x[:, :, top : top + height, left : left + width]


class UNet(nn.Module):
    def __init__(self, channels: int = 1, classes: int = 2, widths: tuple[int, ...] = (64, 128, 256, 512, 1024)):
        super().__init__()
        self.down = nn.ModuleList()
        c = channels
        for w in widths:
            self.down.append(double_conv(c, w))
            c = w
        self.pool = nn.MaxPool2d(2)
        self.up = nn.ModuleList()
        self.after_up = nn.ModuleList()
        for w in reversed(widths[:-1]):
            self.up.append(nn.ConvTranspose2d(c, w, 2, stride=2))
            self.after_up.append(double_conv(2 * w, w))
            c = w
        self.head = nn.Conv2d(c, classes, 1)

    def forward(self, x):
        skips = []
        for i, level in enumerate(self.down):
            if i:
                x = self.pool(x)
            x = level(x)
            skips.append(x)
        skips.pop()  # the bottom level has no skip
        for up, convs in zip(self.up, self.after_up):
            x = up(x)
            skip = center_crop(skips.pop(), x.shape[2], x.shape[3])
            x = convs(torch.cat([skip, x], 1))  # the copied features first
        return self.head(x)


def unet() -> nn.Module:
    return UNet()


# name -> (builder, input C x H x W, output shape of one sample)
REFERENCES = {
    "resnet18": (resnet18, (3, 224, 224), (1000,)),
    "resnet50": (resnet50, (3, 224, 224), (1000,)),
    "googlenet": (googlenet, (3, 224, 224), (1000,)),
    "mobilenet_v2": (mobilenet_v2, (3, 224, 224), (1000,)),
    "densenet121": (densenet121, (3, 224, 224), (1000,)),
    "squeezenet": (squeezenet, (3, 224, 224), (1000,)),
    "unet": (unet, (1, 572, 572), (2, 388, 388)),
}
