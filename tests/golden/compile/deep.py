"""DeepConvNet: a PyTorch module compiled by netspec 0.1.0.

Spec: deep.net. Weights: He normal, std sqrt(2/fan_in); zero biases.
Parameters: 123,552. MACs: 8,772,340 per sample (FLOPs = 2 x MACs).
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


class DeepConvNet(nn.Module):
    """DeepConvNet, as specified in deep.net."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(1, 16, kernel_size=3, padding=1)
        self.relu1 = nn.ReLU()
        self.conv2 = nn.Conv2d(16, 16, kernel_size=3, padding=1)
        self.relu2 = nn.ReLU()
        self.pool1 = nn.MaxPool2d(2)
        self.conv3 = nn.Conv2d(16, 32, kernel_size=3, padding=1)
        self.relu3 = nn.ReLU()
        self.conv4 = nn.Conv2d(32, 32, kernel_size=3, padding=2)
        self.relu4 = nn.ReLU()
        self.pool2 = nn.MaxPool2d(2)
        self.conv5 = nn.Conv2d(32, 64, kernel_size=3, padding=1)
        self.relu5 = nn.ReLU()
        self.conv6 = nn.Conv2d(64, 64, kernel_size=3, padding=1)
        self.relu6 = nn.ReLU()
        self.pool3 = nn.MaxPool2d(2)
        self.fc1 = nn.Linear(1024, 50)
        self.relu7 = nn.ReLU()
        self.dropout1 = nn.Dropout(0.5)
        self.fc2 = nn.Linear(50, 10)
        self.dropout2 = nn.Dropout(0.5)
        self._init_weights()

    def _init_weights(self) -> None:
        """`init he`: He normal, std sqrt(2/fan_in); zero biases."""
        for module in self.modules():
            if isinstance(module, (nn.Conv2d, nn.Linear)):
                nn.init.kaiming_normal_(module.weight, nonlinearity="relu")
                if module.bias is not None:
                    nn.init.zeros_(module.bias)

    def forward(self, x: torch.Tensor, log_probs: bool = False) -> torch.Tensor:
        """(N, 1, 28, 28) -> (N, 10); log-probabilities if log_probs."""
        x = self.conv1(x)  # (N, 16, 28, 28)
        x = self.relu1(x)  # (N, 16, 28, 28)
        x = self.conv2(x)  # (N, 16, 28, 28)
        x = self.relu2(x)  # (N, 16, 28, 28)
        x = self.pool1(x)  # (N, 16, 14, 14)
        x = self.conv3(x)  # (N, 32, 14, 14)
        x = self.relu3(x)  # (N, 32, 14, 14)
        x = self.conv4(x)  # (N, 32, 16, 16)
        x = self.relu4(x)  # (N, 32, 16, 16)
        x = self.pool2(x)  # (N, 32, 8, 8)
        x = self.conv5(x)  # (N, 64, 8, 8)
        x = self.relu5(x)  # (N, 64, 8, 8)
        x = self.conv6(x)  # (N, 64, 8, 8)
        x = self.relu6(x)  # (N, 64, 8, 8)
        x = self.pool3(x)  # (N, 64, 4, 4)
        x = torch.flatten(x, 1)  # (N, 1024)
        x = self.fc1(x)  # (N, 50)
        x = self.relu7(x)  # (N, 50)
        x = self.dropout1(x)  # (N, 50)
        x = self.fc2(x)  # (N, 10)
        x = self.dropout2(x)  # (N, 10)
        if log_probs:
            return F.log_softmax(x, dim=1)  # (N, 10)
        return x

    @torch.jit.export
    def log_probabilities(self, x: torch.Tensor) -> torch.Tensor:
        """Log-probabilities (log_softmax over dim 1), for NLL training."""
        return self.forward(x, log_probs=True)


if __name__ == "__main__":
    model = DeepConvNet().eval()
    with torch.no_grad():
        output = model(torch.randn(2, *INPUT_SHAPE))
    print(f"output shape: {tuple(output.shape)}")
