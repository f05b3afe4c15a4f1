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


class VGG16(nn.Module):
    """VGG16, as specified in vgg16.net."""

    def __init__(self) -> None:
        super().__init__()
        self.stage1_conv1 = nn.Conv2d(3, 64, kernel_size=3, padding=1)
        self.stage1_relu1 = nn.ReLU()
        self.stage1_conv2 = nn.Conv2d(64, 64, kernel_size=3, padding=1)
        self.stage1_relu2 = nn.ReLU()
        self.stage1_pool1 = nn.MaxPool2d(2)
        self.stage2_conv1 = nn.Conv2d(64, 128, kernel_size=3, padding=1)
        self.stage2_relu1 = nn.ReLU()
        self.stage2_conv2 = nn.Conv2d(128, 128, kernel_size=3, padding=1)
        self.stage2_relu2 = nn.ReLU()
        self.stage2_pool1 = nn.MaxPool2d(2)
        self.stage3_conv1 = nn.Conv2d(128, 256, kernel_size=3, padding=1)
        self.stage3_relu1 = nn.ReLU()
        self.stage3_conv2 = nn.Conv2d(256, 256, kernel_size=3, padding=1)
        self.stage3_relu2 = nn.ReLU()
        self.stage3_conv3 = nn.Conv2d(256, 256, kernel_size=3, padding=1)
        self.stage3_relu3 = nn.ReLU()
        self.stage3_pool1 = nn.MaxPool2d(2)
        self.stage4_conv1 = nn.Conv2d(256, 512, kernel_size=3, padding=1)
        self.stage4_relu1 = nn.ReLU()
        self.stage4_conv2 = nn.Conv2d(512, 512, kernel_size=3, padding=1)
        self.stage4_relu2 = nn.ReLU()
        self.stage4_conv3 = nn.Conv2d(512, 512, kernel_size=3, padding=1)
        self.stage4_relu3 = nn.ReLU()
        self.stage4_pool1 = nn.MaxPool2d(2)
        self.stage5_conv1 = nn.Conv2d(512, 512, kernel_size=3, padding=1)
        self.stage5_relu1 = nn.ReLU()
        self.stage5_conv2 = nn.Conv2d(512, 512, kernel_size=3, padding=1)
        self.stage5_relu2 = nn.ReLU()
        self.stage5_conv3 = nn.Conv2d(512, 512, kernel_size=3, padding=1)
        self.stage5_relu3 = nn.ReLU()
        self.stage5_pool1 = nn.MaxPool2d(2)
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
        x = self.stage1_conv1(x)  # (N, 64, 224, 224)
        x = self.stage1_relu1(x)  # (N, 64, 224, 224)
        x = self.stage1_conv2(x)  # (N, 64, 224, 224)
        x = self.stage1_relu2(x)  # (N, 64, 224, 224)
        x = self.stage1_pool1(x)  # (N, 64, 112, 112)
        x = self.stage2_conv1(x)  # (N, 128, 112, 112)
        x = self.stage2_relu1(x)  # (N, 128, 112, 112)
        x = self.stage2_conv2(x)  # (N, 128, 112, 112)
        x = self.stage2_relu2(x)  # (N, 128, 112, 112)
        x = self.stage2_pool1(x)  # (N, 128, 56, 56)
        x = self.stage3_conv1(x)  # (N, 256, 56, 56)
        x = self.stage3_relu1(x)  # (N, 256, 56, 56)
        x = self.stage3_conv2(x)  # (N, 256, 56, 56)
        x = self.stage3_relu2(x)  # (N, 256, 56, 56)
        x = self.stage3_conv3(x)  # (N, 256, 56, 56)
        x = self.stage3_relu3(x)  # (N, 256, 56, 56)
        x = self.stage3_pool1(x)  # (N, 256, 28, 28)
        x = self.stage4_conv1(x)  # (N, 512, 28, 28)
        x = self.stage4_relu1(x)  # (N, 512, 28, 28)
        x = self.stage4_conv2(x)  # (N, 512, 28, 28)
        x = self.stage4_relu2(x)  # (N, 512, 28, 28)
        x = self.stage4_conv3(x)  # (N, 512, 28, 28)
        x = self.stage4_relu3(x)  # (N, 512, 28, 28)
        x = self.stage4_pool1(x)  # (N, 512, 14, 14)
        x = self.stage5_conv1(x)  # (N, 512, 14, 14)
        x = self.stage5_relu1(x)  # (N, 512, 14, 14)
        x = self.stage5_conv2(x)  # (N, 512, 14, 14)
        x = self.stage5_relu2(x)  # (N, 512, 14, 14)
        x = self.stage5_conv3(x)  # (N, 512, 14, 14)
        x = self.stage5_relu3(x)  # (N, 512, 14, 14)
        x = self.stage5_pool1(x)  # (N, 512, 7, 7)
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
