"""MnistCNN: a PyTorch module compiled by netspec 0.1.0.

Spec: mnist_cnn.net. Weights: normal cut at 2 std, std 0.1; zero biases.
Parameters: 3,274,634. MACs: 13,883,904 per sample (FLOPs = 2 x MACs).
Input (N, 1, 28, 28) -> output (N, 10), N being the batch size.

`model(x)` gives the network's output. For NLL training, `model(x, log_probs=True)`
(or `model.log_probabilities(x)`) gives its log_softmax over dim 1.

Needs only torch. `python` on this file runs a random batch through the network and
prints the output shape.
"""

import torch
import torch.nn.functional as F
from torch import nn

INPUT_SHAPE = (1, 28, 28)  # (C, H, W) of one sample


class MnistCNN(nn.Module):
    """MnistCNN, as specified in mnist_cnn.net."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 32, kernel_size=5, padding=2)
        self.relu1 = nn.ReLU()
        self.pool1 = nn.MaxPool2d(2)
        self.conv2 = nn.Conv2d(32, 64, kernel_size=5, padding=2)
        self.relu2 = nn.ReLU()
        self.pool2 = nn.MaxPool2d(2)
        self.fc1 = nn.Linear(3136, 1024)
        self.relu3 = nn.ReLU()
        self.dropout1 = nn.Dropout(0.5)
        self.fc2 = nn.Linear(1024, 10)
        self._init_weights()

    def _init_weights(self) -> None:
        """`init truncnormal std=0.1`: normal cut at 2 std, std 0.1; zero biases."""
        for module in self.modules():
            if isinstance(module, (nn.Conv2d, nn.Linear)):
                nn.init.trunc_normal_(module.weight, std=0.1, a=-0.2, b=0.2)
                if module.bias is not None:
                    nn.init.zeros_(module.bias)

    def forward(self, x: torch.Tensor, log_probs: bool = False) -> torch.Tensor:
        """(N, 1, 28, 28) -> (N, 10); log-probabilities if log_probs."""
        x = self.conv1(x)  # (N, 32, 28, 28)
        x = self.relu1(x)  # (N, 32, 28, 28)
        x = self.pool1(x)  # (N, 32, 14, 14)
        x = self.conv2(x)  # (N, 64, 14, 14)
        x = self.relu2(x)  # (N, 64, 14, 14)
        x = self.pool2(x)  # (N, 64, 7, 7)
        x = torch.flatten(x, 1)  # (N, 3136)
        x = self.fc1(x)  # (N, 1024)
        x = self.relu3(x)  # (N, 1024)
        x = self.dropout1(x)  # (N, 1024)
        x = self.fc2(x)  # (N, 10)
        if log_probs:
            return F.log_softmax(x, dim=1)  # (N, 10)
        return x

    @torch.jit.export
    def log_probabilities(self, x: torch.Tensor) -> torch.Tensor:
        """Log-probabilities (log_softmax over dim 1), for NLL training."""
        return self.forward(x, log_probs=True)


if __name__ == "__main__":
    model = MnistCNN().eval()
    with torch.no_grad():
        output = model(torch.randn(2, *INPUT_SHAPE))
    print(f"output shape: {tuple(output.shape)}")
