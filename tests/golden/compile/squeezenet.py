"""SqueezeNet11: a PyTorch module compiled by netspec 0.1.0.

Spec: squeezenet.net. Weights: PyTorch's defaults.
Parameters: 1,235,496. MACs: 349,151,936 per sample (FLOPs = 2 x MACs).
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


class Fire(nn.Module):
    """The block `fire` (defined on line 12); 8 instances in this network."""

    def __init__(self, in_channels: int, squeeze: int, expand1x1: int) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(in_channels, squeeze, kernel_size=1)
        self.relu1 = nn.ReLU()
        self.branch1 = nn.Sequential(
            OrderedDict(
                conv1=nn.Conv2d(squeeze, expand1x1, kernel_size=1), relu1=nn.ReLU()
            )
        )
        self.branch2 = nn.Sequential(
            OrderedDict(
                conv1=nn.Conv2d(squeeze, expand1x1, kernel_size=3, padding=1),
                relu1=nn.ReLU(),
            )
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.conv1(x)  # (N, squeeze, H, W)
        x = self.relu1(x)  # (N, squeeze, H, W)
        branch1 = self.branch1(x)  # (N, expand1x1, H, W)
        branch2 = self.branch2(x)  # (N, expand1x1, H, W)
        x = torch.cat([branch1, branch2], dim=1)  # (N, squeeze * 8, H, W)
        return x


class SqueezeNet11(nn.Module):
    """SqueezeNet11, as specified in squeezenet.net."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, kernel_size=3, stride=2)
        self.relu1 = nn.ReLU()
        self.pool1 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.fire1 = Fire(64, 16, 64)
        self.fire2 = Fire(128, 16, 64)
        self.pool2 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.fire3 = Fire(128, 32, 128)
        self.fire4 = Fire(256, 32, 128)
        self.pool3 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.fire5 = Fire(256, 48, 192)
        self.fire6 = Fire(384, 48, 192)
        self.fire7 = Fire(384, 64, 256)
        self.fire8 = Fire(512, 64, 256)
        self.dropout1 = nn.Dropout(0.5)
        self.conv2 = nn.Conv2d(512, 1000, kernel_size=1)
        self.relu2 = nn.ReLU()
        self.pool4 = nn.AdaptiveAvgPool2d(1)
        self.flatten1 = nn.Flatten()

    def forward(self, x: torch.Tensor, log_probs: bool = False) -> torch.Tensor:
        """(N, 3, 224, 224) -> (N, 1000); log-probabilities if log_probs."""
        x = self.conv1(x)  # (N, 64, 111, 111)
        x = self.relu1(x)  # (N, 64, 111, 111)
        x = self.pool1(x)  # (N, 64, 55, 55)
        x = self.fire1(x)  # (N, 128, 55, 55)
        x = self.fire2(x)  # (N, 128, 55, 55)
        x = self.pool2(x)  # (N, 128, 27, 27)
        x = self.fire3(x)  # (N, 256, 27, 27)
        x = self.fire4(x)  # (N, 256, 27, 27)
        x = self.pool3(x)  # (N, 256, 13, 13)
        x = self.fire5(x)  # (N, 384, 13, 13)
        x = self.fire6(x)  # (N, 384, 13, 13)
        x = self.fire7(x)  # (N, 512, 13, 13)
        x = self.fire8(x)  # (N, 512, 13, 13)
        x = self.dropout1(x)  # (N, 512, 13, 13)
        x = self.conv2(x)  # (N, 1000, 13, 13)
        x = self.relu2(x)  # (N, 1000, 13, 13)
        x = self.pool4(x)  # (N, 1000, 1, 1)
        x = self.flatten1(x)  # (N, 1000)
        if log_probs:
            return F.log_softmax(x, dim=1)  # (N, 1000)
        return x

    @torch.jit.export
    def log_probabilities(self, x: torch.Tensor) -> torch.Tensor:
        """Log-probabilities (log_softmax over dim 1), for NLL training."""
        return self.forward(x, log_probs=True)


if __name__ == "__main__":
    model = SqueezeNet11().eval()
    with torch.no_grad():
        output = model(torch.randn(2, *INPUT_SHAPE))
    print(f"output shape: {tuple(output.shape)}")
