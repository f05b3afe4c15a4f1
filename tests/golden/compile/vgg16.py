"""VGG16: a PyTorch module compiled by netspec 0.1.0.

Spec: vgg16.net. Weights: PyTorch's defaults.
Parameters: 138,357,544. MACs: 15,470,264,320 per sample (FLOPs = 2 x MACs).
Input (N, 3, 224, 224) -> output (N, 1000), N being the batch size.

`model(x)` gives class probabilities. For NLL training, `model(x, log_probs=True)`
(or `model.log_probabilities(x)`) gives log-probabilities instead: log_softmax in
place of the final softmax, so that no softmax is ever applied twice.

Needs only torch. `python` on this file runs a random batch through the network and
prints the output shape.
"""

import torch
import torch.nn.functional as F
from torch import nn

INPUT_SHAPE = (3, 224, 224)  # (C, H, W) of one sample


class Stage(nn.Module):
    """The block `stage` (defined on line 6); 2 instances in this network."""

    def __init__(self, in_channels: int, filters: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, filters, kernel_size=3, padding=1)
        self.relu1 = nn.ReLU()
        self.conv2 = nn.Conv2d(filters, filters, kernel_size=3, padding=1)
        self.relu2 = nn.ReLU()
        self.pool1 = nn.MaxPool2d(2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.conv1(x)  # (N, filters, H, W)
        x = self.relu1(x)  # (N, filters, H, W)
        x = self.conv2(x)  # (N, filters, H, W)
        x = self.relu2(x)  # (N, filters, H, W)
        x = self.pool1(x)  # (N, filters, H/2, W/2)
        return x


class Stage2(nn.Module):
    """The block `stage` (defined on line 6); 3 instances in this network."""

    def __init__(self, in_channels: int, filters: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, filters, kernel_size=3, padding=1)
        self.relu1 = nn.ReLU()
        self.conv2 = nn.Conv2d(filters, filters, kernel_size=3, padding=1)
        self.relu2 = nn.ReLU()
        self.conv3 = nn.Conv2d(filters, filters, kernel_size=3, padding=1)
        self.relu3 = nn.ReLU()
        self.pool1 = nn.MaxPool2d(2)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.conv1(x)  # (N, filters, H, W)
        x = self.relu1(x)  # (N, filters, H, W)
        x = self.conv2(x)  # (N, filters, H, W)
        x = self.relu2(x)  # (N, filters, H, W)
        x = self.conv3(x)  # (N, filters, H, W)
        x = self.relu3(x)  # (N, filters, H, W)
        x = self.pool1(x)  # (N, filters, H/2, W/2)
        return x


class VGG16(nn.Module):
    """VGG16, as specified in vgg16.net."""

    def __init__(self) -> None:
        super().__init__()
        self.stage1 = Stage(3, 64)
        self.stage2 = Stage(64, 128)
        self.stage3 = Stage2(128, 256)
        self.stage4 = Stage2(256, 512)
        self.stage5 = Stage2(512, 512)
        self.fc1 = nn.Linear(25088, 4096)
        self.relu1 = nn.ReLU()
        self.dropout1 = nn.Dropout(0.5)
        self.fc2 = nn.Linear(4096, 4096)
        self.relu2 = nn.ReLU()
        self.dropout2 = nn.Dropout(0.5)
        self.fc3 = nn.Linear(4096, 1000)
        self.softmax1 = nn.Softmax(dim=1)

    def forward(self, x: torch.Tensor, log_probs: bool = False) -> torch.Tensor:
        """(N, 3, 224, 224) -> (N, 1000); log-probabilities if log_probs."""
        x = self.stage1(x)  # (N, 64, 112, 112)
        x = self.stage2(x)  # (N, 128, 56, 56)
        x = self.stage3(x)  # (N, 256, 28, 28)
        x = self.stage4(x)  # (N, 512, 14, 14)
        x = self.stage5(x)  # (N, 512, 7, 7)
        x = torch.flatten(x, 1)  # (N, 25088)
        x = self.fc1(x)  # (N, 4096)
        x = self.relu1(x)  # (N, 4096)
        x = self.dropout1(x)  # (N, 4096)
        x = self.fc2(x)  # (N, 4096)
        x = self.relu2(x)  # (N, 4096)
        x = self.dropout2(x)  # (N, 4096)
        x = self.fc3(x)  # (N, 1000)
        if log_probs:
            return F.log_softmax(x, dim=1)  # (N, 1000)
        x = self.softmax1(x)  # (N, 1000)
        return x

    @torch.jit.export
    def log_probabilities(self, x: torch.Tensor) -> torch.Tensor:
        """Log-probabilities (log_softmax over dim 1), for NLL training."""
        return self.forward(x, log_probs=True)


if __name__ == "__main__":
    model = VGG16().eval()
    with torch.no_grad():
        output = model(torch.randn(2, *INPUT_SHAPE))
    print(f"output shape: {tuple(output.shape)}")
