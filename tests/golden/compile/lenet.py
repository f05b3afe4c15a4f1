"""LeNet5: a PyTorch module compiled by netspec 0.1.0.

Spec: lenet.net. Weights: PyTorch's defaults.
Parameters: 61,706. MACs: 416,520 per sample (FLOPs = 2 x MACs).
Input (N, 1, 32, 32) -> output (N, 10), N being the batch size.

`model(x)` gives the network's output. For NLL training, `model(x, log_probs=True)`
(or `model.log_probabilities(x)`) gives its log_softmax over dim 1.

Needs only torch. `python` on this file runs a random batch through the network and
prints the output shape.
"""

import torch
import torch.nn.functional as F
from torch import nn

INPUT_SHAPE = (1, 32, 32)  # (C, H, W) of one sample


class LeNet5(nn.Module):
    """LeNet5, as specified in lenet.net."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 6, kernel_size=5)
        self.tanh1 = nn.Tanh()
        self.pool1 = nn.AvgPool2d(2)
        self.conv2 = nn.Conv2d(6, 16, kernel_size=5)
        self.tanh2 = nn.Tanh()
        self.pool2 = nn.AvgPool2d(2)
        self.conv3 = nn.Conv2d(16, 120, kernel_size=5)
        self.tanh3 = nn.Tanh()
        self.fc1 = nn.Linear(120, 84)
        self.tanh4 = nn.Tanh()
        self.fc2 = nn.Linear(84, 10)

    def forward(self, x: torch.Tensor, log_probs: bool = False) -> torch.Tensor:
        """(N, 1, 32, 32) -> (N, 10); log-probabilities if log_probs."""
        x = self.conv1(x)  # (N, 6, 28, 28)
        x = self.tanh1(x)  # (N, 6, 28, 28)
        x = self.pool1(x)  # (N, 6, 14, 14)
        x = self.conv2(x)  # (N, 16, 10, 10)
        x = self.tanh2(x)  # (N, 16, 10, 10)
        x = self.pool2(x)  # (N, 16, 5, 5)
        x = self.conv3(x)  # (N, 120, 1, 1)
        x = self.tanh3(x)  # (N, 120, 1, 1)
        x = torch.flatten(x, 1)  # (N, 120)
        x = self.fc1(x)  # (N, 84)
        x = self.tanh4(x)  # (N, 84)
        x = self.fc2(x)  # (N, 10)
        if log_probs:
            return F.log_softmax(x, dim=1)  # (N, 10)
        return x

    @torch.jit.export
    def log_probabilities(self, x: torch.Tensor) -> torch.Tensor:
        """Log-probabilities (log_softmax over dim 1), for NLL training."""
        return self.forward(x, log_probs=True)


if __name__ == "__main__":
    model = LeNet5().eval()
    with torch.no_grad():
        output = model(torch.randn(2, *INPUT_SHAPE))
    print(f"output shape: {tuple(output.shape)}")
