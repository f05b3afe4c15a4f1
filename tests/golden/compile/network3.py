"""Network3: a PyTorch module compiled by netspec 0.1.0.

Spec: network3.net. Weights: PyTorch's defaults.
Parameters: 1,672,570. MACs: 3,218,000 per sample (FLOPs = 2 x MACs).
Input (N, 1, 28, 28) -> output (N, 10), N being the batch size.

`model(x)` gives class probabilities. For NLL training, `model(x, log_probs=True)`
(or `model.log_probabilities(x)`) gives log-probabilities instead: log_softmax in
place of the final softmax, so that no softmax is ever applied twice.

Needs only torch. `python` on this file runs a random batch through the network and
prints the output shape.
"""

import torch
import torch.nn.functional as F
from torch import nn

INPUT_SHAPE = (1, 28, 28)  # (C, H, W) of one sample


class Network3(nn.Module):
    """Network3, as specified in network3.net."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 20, kernel_size=5)
        self.pool1 = nn.MaxPool2d(2)
        self.relu1 = nn.ReLU()
        self.conv2 = nn.Conv2d(20, 40, kernel_size=5)
        self.pool2 = nn.MaxPool2d(2)
        self.relu2 = nn.ReLU()
        self.dropout1 = nn.Dropout(0.5)
        self.fc1 = nn.Linear(640, 1000)
        self.relu3 = nn.ReLU()
        self.dropout2 = nn.Dropout(0.5)
        self.fc2 = nn.Linear(1000, 1000)
        self.relu4 = nn.ReLU()
        self.dropout3 = nn.Dropout(0.5)
        self.fc3 = nn.Linear(1000, 10)
        self.softmax1 = nn.Softmax(dim=1)

    def forward(self, x: torch.Tensor, log_probs: bool = False) -> torch.Tensor:
        """(N, 1, 28, 28) -> (N, 10); log-probabilities if log_probs."""
        x = self.conv1(x)  # (N, 20, 24, 24)
        x = self.pool1(x)  # (N, 20, 12, 12)
        x = self.relu1(x)  # (N, 20, 12, 12)
        x = self.conv2(x)  # (N, 40, 8, 8)
        x = self.pool2(x)  # (N, 40, 4, 4)
        x = self.relu2(x)  # (N, 40, 4, 4)
        x = self.dropout1(x)  # (N, 40, 4, 4)
        x = torch.flatten(x, 1)  # (N, 640)
        x = self.fc1(x)  # (N, 1000)
        x = self.relu3(x)  # (N, 1000)
        x = self.dropout2(x)  # (N, 1000)
        x = self.fc2(x)  # (N, 1000)
        x = self.relu4(x)  # (N, 1000)
        x = self.dropout3(x)  # (N, 1000)
        x = self.fc3(x)  # (N, 10)
        if log_probs:
            return F.log_softmax(x, dim=1)  # (N, 10)
        x = self.softmax1(x)  # (N, 10)
        return x

    @torch.jit.export
    def log_probabilities(self, x: torch.Tensor) -> torch.Tensor:
        """Log-probabilities (log_softmax over dim 1), for NLL training."""
        return self.forward(x, log_probs=True)


if __name__ == "__main__":
    model = Network3().eval()
    with torch.no_grad():
        output = model(torch.randn(2, *INPUT_SHAPE))
    print(f"output shape: {tuple(output.shape)}")
