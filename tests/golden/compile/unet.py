"""UNet: a PyTorch module compiled by netspec 0.1.0.

Spec: unet.net. Weights: PyTorch's defaults.
Parameters: 31,030,658. MACs: 150,428,424,448 per sample (FLOPs = 2 x MACs).
Input (N, 1, 572, 572) -> output (N, 2, 388, 388), N being the batch size.

`model(x)` gives the network's output. For NLL training, `model(x, log_probs=True)`
(or `model.log_probabilities(x)`) gives its log_softmax over dim 1.

Needs only torch. `python` on this file runs a random batch through the network and
prints the output shape.
"""

from collections import OrderedDict

import torch
import torch.nn.functional as F
from torch import nn

INPUT_SHAPE = (1, 572, 572)  # (C, H, W) of one sample


class Double(nn.Module):
    """The block `double` (defined on line 14); 9 instances in this network."""

    def __init__(self, in_channels: int, filters: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, filters, kernel_size=3)
        self.relu1 = nn.ReLU()
        self.conv2 = nn.Conv2d(filters, filters, kernel_size=3)
        self.relu2 = nn.ReLU()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.conv1(x)  # (N, filters, H-2, W-2)
        x = self.relu1(x)  # (N, filters, H-2, W-2)
        x = self.conv2(x)  # (N, filters, H-4, W-4)
        x = self.relu2(x)  # (N, filters, H-4, W-4)
        return x


class Up(nn.Module):
    """The block `up` (defined on line 23); 4 instances in this network."""

    def __init__(self, in_channels: int, filters: int) -> None:
        super().__init__()
        self.double_1 = Double(in_channels, filters)
        self.deconv1 = nn.ConvTranspose2d(
            filters, filters // 2, kernel_size=2, stride=2
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.double_1(x)  # (N, filters, H-4, W-4)
        x = self.deconv1(x)  # (N, filters // 2, 2H-8, 2W-8)
        return x


class Level4(nn.Module):
    """A branch (line 41); 1 instance in this network."""

    def __init__(self, in_channels: int) -> None:
        super().__init__()
        self.pool1 = nn.MaxPool2d(2)
        self.double_1 = Double(in_channels, 512)
        self.level5 = nn.Sequential(
            OrderedDict(pool1=nn.MaxPool2d(2), up1=Up(512, 1024))
        )
        self.up1 = Up(1024, 512)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.pool1(x)  # (N, 256, 68, 68)
        x = self.double_1(x)  # (N, 512, 64, 64)
        branch2 = self.level5(x)  # (N, 512, 56, 56)
        x = torch.cat([x[:, :, 4:60, 4:60], branch2], dim=1)  # (N, 1024, 56, 56)
        x = self.up1(x)  # (N, 256, 104, 104)
        return x


class Level3(nn.Module):
    """A branch (line 36); 1 instance in this network."""

    def __init__(self, in_channels: int) -> None:
        super().__init__()
        self.pool1 = nn.MaxPool2d(2)
        self.double_1 = Double(in_channels, 256)
        self.level4 = Level4(256)
        self.up1 = Up(512, 256)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.pool1(x)  # (N, 128, 140, 140)
        x = self.double_1(x)  # (N, 256, 136, 136)
        branch2 = self.level4(x)  # (N, 256, 104, 104)
        x = torch.cat([x[:, :, 16:120, 16:120], branch2], dim=1)  # (N, 512, 104, 104)
        x = self.up1(x)  # (N, 128, 200, 200)
        return x


class Level2(nn.Module):
    """A branch (line 31); 1 instance in this network."""

    def __init__(self, in_channels: int) -> None:
        super().__init__()
        self.pool1 = nn.MaxPool2d(2)
        self.double_1 = Double(in_channels, 128)
        self.level3 = Level3(128)
        self.up1 = Up(256, 128)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.pool1(x)  # (N, 64, 284, 284)
        x = self.double_1(x)  # (N, 128, 280, 280)
        branch2 = self.level3(x)  # (N, 128, 200, 200)
        x = torch.cat([x[:, :, 40:240, 40:240], branch2], dim=1)  # (N, 256, 200, 200)
        x = self.up1(x)  # (N, 64, 392, 392)
        return x


class UNet(nn.Module):
    """UNet, as specified in unet.net."""

    def __init__(self) -> None:
        super().__init__()
        self.double_1 = Double(1, 64)
        self.level2 = Level2(64)
        self.double_2 = Double(128, 64)
        self.conv1 = nn.Conv2d(64, 2, kernel_size=1)

    def forward(self, x: torch.Tensor, log_probs: bool = False) -> torch.Tensor:
        """(N, 1, 572, 572) -> (N, 2, 388, 388); log-probabilities if log_probs."""
        x = self.double_1(x)  # (N, 64, 568, 568)
        branch2 = self.level2(x)  # (N, 64, 392, 392)
        x = torch.cat([x[:, :, 88:480, 88:480], branch2], dim=1)  # (N, 128, 392, 392)
        x = self.double_2(x)  # (N, 64, 388, 388)
        x = self.conv1(x)  # (N, 2, 388, 388)
        if log_probs:
            return F.log_softmax(x, dim=1)  # (N, 2, 388, 388)
        return x

    @torch.jit.export
    def log_probabilities(self, x: torch.Tensor) -> torch.Tensor:
        """Log-probabilities (log_softmax over dim 1), for NLL training."""
        return self.forward(x, log_probs=True)


if __name__ == "__main__":
    model = UNet().eval()
    with torch.no_grad():
        output = model(torch.randn(2, *INPUT_SHAPE))
    print(f"output shape: {tuple(output.shape)}")
