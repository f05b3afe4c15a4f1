"""AlexNet: a PyTorch module compiled by netspec 0.1.0.

Spec: alexnet.net. Weights: normal, std 0.01; zero biases.
Parameters: 62,378,344. MACs: 1,135,256,096 per sample (FLOPs = 2 x MACs).
Input (N, 3, 227, 227) -> output (N, 1000), N being the batch size.

`model(x)` gives class probabilities. For NLL training, `model(x, log_probs=True)`
(or `model.log_probabilities(x)`) gives log-probabilities instead: log_softmax in
place of the final softmax, so that no softmax is ever applied twice.

Needs only torch. `python` on this file runs a random batch through the network and
prints the output shape.
"""

import torch
import torch.nn.functional as F
from torch import nn

INPUT_SHAPE = (3, 227, 227)  # (C, H, W) of one sample


class AlexNet(nn.Module):
    """AlexNet, as specified in alexnet.net."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(3, 96, kernel_size=11, stride=4)
        self.relu1 = nn.ReLU()
        self.lrn1 = nn.LocalResponseNorm(5, alpha=0.0001, beta=0.75, k=2.0)
        self.pool1 = nn.MaxPool2d(3, stride=2)
        self.conv2 = nn.Conv2d(96, 256, kernel_size=5, padding=2)
        self.relu2 = nn.ReLU()
        self.lrn2 = nn.LocalResponseNorm(5, alpha=0.0001, beta=0.75, k=2.0)
        self.pool2 = nn.MaxPool2d(3, stride=2)
        self.conv3 = nn.Conv2d(256, 384, kernel_size=3, padding=1)
        self.relu3 = nn.ReLU()
        self.conv4 = nn.Conv2d(384, 384, kernel_size=3, padding=1)
        self.relu4 = nn.ReLU()
        self.conv5 = nn.Conv2d(384, 256, kernel_size=3, padding=1)
        self.relu5 = nn.ReLU()
        self.pool3 = nn.MaxPool2d(3, stride=2)
        self.fc6 = nn.Linear(9216, 4096)
        self.relu6 = nn.ReLU()
        self.dropout1 = nn.Dropout(0.5)
        self.fc7 = nn.Linear(4096, 4096)
        self.relu7 = nn.ReLU()
        self.dropout2 = nn.Dropout(0.5)
        self.fc8 = nn.Linear(4096, 1000)
        self.softmax1 = nn.Softmax(dim=1)
        self._init_weights()

    def _init_weights(self) -> None:
        """`init normal std=0.01`: normal, std 0.01; zero biases."""
        for module in self.modules():
            if isinstance(module, (nn.Conv2d, nn.Linear)):
                nn.init.normal_(module.weight, std=0.01)
                if module.bias is not None:
                    nn.init.zeros_(module.bias)

    def forward(self, x: torch.Tensor, log_probs: bool = False) -> torch.Tensor:
        """(N, 3, 227, 227) -> (N, 1000); log-probabilities if log_probs."""
        x = self.conv1(x)  # (N, 96, 55, 55)
        x = self.relu1(x)  # (N, 96, 55, 55)
        x = self.lrn1(x)  # (N, 96, 55, 55)
        x = self.pool1(x)  # (N, 96, 27, 27)
        x = self.conv2(x)  # (N, 256, 27, 27)
        x = self.relu2(x)  # (N, 256, 27, 27)
        x = self.lrn2(x)  # (N, 256, 27, 27)
        x = self.pool2(x)  # (N, 256, 13, 13)
        x = self.conv3(x)  # (N, 384, 13, 13)
        x = self.relu3(x)  # (N, 384, 13, 13)
        x = self.conv4(x)  # (N, 384, 13, 13)
        x = self.relu4(x)  # (N, 384, 13, 13)
        x = self.conv5(x)  # (N, 256, 13, 13)
        x = self.relu5(x)  # (N, 256, 13, 13)
        x = self.pool3(x)  # (N, 256, 6, 6)
        x = torch.flatten(x, 1)  # (N, 9216)
        x = self.fc6(x)  # (N, 4096)
        x = self.relu6(x)  # (N, 4096)
        x = self.dropout1(x)  # (N, 4096)
        x = self.fc7(x)  # (N, 4096)
        x = self.relu7(x)  # (N, 4096)
        x = self.dropout2(x)  # (N, 4096)
        x = self.fc8(x)  # (N, 1000)
        if log_probs:
            return F.log_softmax(x, dim=1)  # (N, 1000)
        x = self.softmax1(x)  # (N, 1000)
        return x

    @torch.jit.export
    def log_probabilities(self, x: torch.Tensor) -> torch.Tensor:
        """Log-probabilities (log_softmax over dim 1), for NLL training."""
        return self.forward(x, log_probs=True)


if __name__ == "__main__":
    model = AlexNet().eval()
    with torch.no_grad():
        output = model(torch.randn(2, *INPUT_SHAPE))
    print(f"output shape: {tuple(output.shape)}")
