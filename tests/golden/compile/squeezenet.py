"""SqueezeNet11: a PyTorch module compiled by netspec 0.1.0.

Spec: squeezenet.net. Weights: PyTorch's defaults.
Parameters: 1,235,496. MACs: 349,151,936 per sample (FLOPs = 2 x MACs).
Input (N, 3, 224, 224) -> output (N, 1000), N being the batch size.

`model(x)` gives the network's output. For NLL training, `model(x, log_probs=True)`
(or `model.log_probabilities(x)`) gives its log_softmax over dim 1.

Needs only torch. `python` on this file runs a random batch through the network and
prints the output shape.
"""

import torch
import torch.nn.functional as F
from torch import nn

INPUT_SHAPE = (3, 224, 224)  # (C, H, W) of one sample


class SqueezeNet11(nn.Module):
    """SqueezeNet11, as specified in squeezenet.net."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1 = nn.Conv2d(3, 64, kernel_size=3, stride=2)
        self.relu1 = nn.ReLU()
        self.pool1 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.fire1_conv1 = nn.Conv2d(64, 16, kernel_size=1)
        self.fire1_relu1 = nn.ReLU()
        self.fire1_branch1_conv1 = nn.Conv2d(16, 64, kernel_size=1)
        self.fire1_branch1_relu1 = nn.ReLU()
        self.fire1_branch2_conv1 = nn.Conv2d(16, 64, kernel_size=3, padding=1)
        self.fire1_branch2_relu1 = nn.ReLU()
        self.fire2_conv1 = nn.Conv2d(128, 16, kernel_size=1)
        self.fire2_relu1 = nn.ReLU()
        self.fire2_branch1_conv1 = nn.Conv2d(16, 64, kernel_size=1)
        self.fire2_branch1_relu1 = nn.ReLU()
        self.fire2_branch2_conv1 = nn.Conv2d(16, 64, kernel_size=3, padding=1)
        self.fire2_branch2_relu1 = nn.ReLU()
        self.pool2 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.fire3_conv1 = nn.Conv2d(128, 32, kernel_size=1)
        self.fire3_relu1 = nn.ReLU()
        self.fire3_branch1_conv1 = nn.Conv2d(32, 128, kernel_size=1)
        self.fire3_branch1_relu1 = nn.ReLU()
        self.fire3_branch2_conv1 = nn.Conv2d(32, 128, kernel_size=3, padding=1)
        self.fire3_branch2_relu1 = nn.ReLU()
        self.fire4_conv1 = nn.Conv2d(256, 32, kernel_size=1)
        self.fire4_relu1 = nn.ReLU()
        self.fire4_branch1_conv1 = nn.Conv2d(32, 128, kernel_size=1)
        self.fire4_branch1_relu1 = nn.ReLU()
        self.fire4_branch2_conv1 = nn.Conv2d(32, 128, kernel_size=3, padding=1)
        self.fire4_branch2_relu1 = nn.ReLU()
        self.pool3 = nn.MaxPool2d(3, stride=2, ceil_mode=True)
        self.fire5_conv1 = nn.Conv2d(256, 48, kernel_size=1)
        self.fire5_relu1 = nn.ReLU()
        self.fire5_branch1_conv1 = nn.Conv2d(48, 192, kernel_size=1)
        self.fire5_branch1_relu1 = nn.ReLU()
        self.fire5_branch2_conv1 = nn.Conv2d(48, 192, kernel_size=3, padding=1)
        self.fire5_branch2_relu1 = nn.ReLU()
        self.fire6_conv1 = nn.Conv2d(384, 48, kernel_size=1)
        self.fire6_relu1 = nn.ReLU()
        self.fire6_branch1_conv1 = nn.Conv2d(48, 192, kernel_size=1)
        self.fire6_branch1_relu1 = nn.ReLU()
        self.fire6_branch2_conv1 = nn.Conv2d(48, 192, kernel_size=3, padding=1)
        self.fire6_branch2_relu1 = nn.ReLU()
        self.fire7_conv1 = nn.Conv2d(384, 64, kernel_size=1)
        self.fire7_relu1 = nn.ReLU()
        self.fire7_branch1_conv1 = nn.Conv2d(64, 256, kernel_size=1)
        self.fire7_branch1_relu1 = nn.ReLU()
        self.fire7_branch2_conv1 = nn.Conv2d(64, 256, kernel_size=3, padding=1)
        self.fire7_branch2_relu1 = nn.ReLU()
        self.fire8_conv1 = nn.Conv2d(512, 64, kernel_size=1)
        self.fire8_relu1 = nn.ReLU()
        self.fire8_branch1_conv1 = nn.Conv2d(64, 256, kernel_size=1)
        self.fire8_branch1_relu1 = nn.ReLU()
        self.fire8_branch2_conv1 = nn.Conv2d(64, 256, kernel_size=3, padding=1)
        self.fire8_branch2_relu1 = nn.ReLU()
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
        x = self.fire1_conv1(x)  # (N, 16, 55, 55)
        x = self.fire1_relu1(x)  # (N, 16, 55, 55)
        branch1 = self.fire1_branch1_conv1(x)  # (N, 64, 55, 55)
        branch1 = self.fire1_branch1_relu1(branch1)  # (N, 64, 55, 55)
        branch2 = self.fire1_branch2_conv1(x)  # (N, 64, 55, 55)
        branch2 = self.fire1_branch2_relu1(branch2)  # (N, 64, 55, 55)
        x = torch.cat([branch1, branch2], dim=1)  # (N, 128, 55, 55)
        x = self.fire2_conv1(x)  # (N, 16, 55, 55)
        x = self.fire2_relu1(x)  # (N, 16, 55, 55)
        branch1 = self.fire2_branch1_conv1(x)  # (N, 64, 55, 55)
        branch1 = self.fire2_branch1_relu1(branch1)  # (N, 64, 55, 55)
        branch2 = self.fire2_branch2_conv1(x)  # (N, 64, 55, 55)
        branch2 = self.fire2_branch2_relu1(branch2)  # (N, 64, 55, 55)
        x = torch.cat([branch1, branch2], dim=1)  # (N, 128, 55, 55)
        x = self.pool2(x)  # (N, 128, 27, 27)
        x = self.fire3_conv1(x)  # (N, 32, 27, 27)
        x = self.fire3_relu1(x)  # (N, 32, 27, 27)
        branch1 = self.fire3_branch1_conv1(x)  # (N, 128, 27, 27)
        branch1 = self.fire3_branch1_relu1(branch1)  # (N, 128, 27, 27)
        branch2 = self.fire3_branch2_conv1(x)  # (N, 128, 27, 27)
        branch2 = self.fire3_branch2_relu1(branch2)  # (N, 128, 27, 27)
        x = torch.cat([branch1, branch2], dim=1)  # (N, 256, 27, 27)
        x = self.fire4_conv1(x)  # (N, 32, 27, 27)
        x = self.fire4_relu1(x)  # (N, 32, 27, 27)
        branch1 = self.fire4_branch1_conv1(x)  # (N, 128, 27, 27)
        branch1 = self.fire4_branch1_relu1(branch1)  # (N, 128, 27, 27)
        branch2 = self.fire4_branch2_conv1(x)  # (N, 128, 27, 27)
        branch2 = self.fire4_branch2_relu1(branch2)  # (N, 128, 27, 27)
        x = torch.cat([branch1, branch2], dim=1)  # (N, 256, 27, 27)
        x = self.pool3(x)  # (N, 256, 13, 13)
        x = self.fire5_conv1(x)  # (N, 48, 13, 13)
        x = self.fire5_relu1(x)  # (N, 48, 13, 13)
        branch1 = self.fire5_branch1_conv1(x)  # (N, 192, 13, 13)
        branch1 = self.fire5_branch1_relu1(branch1)  # (N, 192, 13, 13)
        branch2 = self.fire5_branch2_conv1(x)  # (N, 192, 13, 13)
        branch2 = self.fire5_branch2_relu1(branch2)  # (N, 192, 13, 13)
        x = torch.cat([branch1, branch2], dim=1)  # (N, 384, 13, 13)
        x = self.fire6_conv1(x)  # (N, 48, 13, 13)
        x = self.fire6_relu1(x)  # (N, 48, 13, 13)
        branch1 = self.fire6_branch1_conv1(x)  # (N, 192, 13, 13)
        branch1 = self.fire6_branch1_relu1(branch1)  # (N, 192, 13, 13)
        branch2 = self.fire6_branch2_conv1(x)  # (N, 192, 13, 13)
        branch2 = self.fire6_branch2_relu1(branch2)  # (N, 192, 13, 13)
        x = torch.cat([branch1, branch2], dim=1)  # (N, 384, 13, 13)
        x = self.fire7_conv1(x)  # (N, 64, 13, 13)
        x = self.fire7_relu1(x)  # (N, 64, 13, 13)
        branch1 = self.fire7_branch1_conv1(x)  # (N, 256, 13, 13)
        branch1 = self.fire7_branch1_relu1(branch1)  # (N, 256, 13, 13)
        branch2 = self.fire7_branch2_conv1(x)  # (N, 256, 13, 13)
        branch2 = self.fire7_branch2_relu1(branch2)  # (N, 256, 13, 13)
        x = torch.cat([branch1, branch2], dim=1)  # (N, 512, 13, 13)
        x = self.fire8_conv1(x)  # (N, 64, 13, 13)
        x = self.fire8_relu1(x)  # (N, 64, 13, 13)
        branch1 = self.fire8_branch1_conv1(x)  # (N, 256, 13, 13)
        branch1 = self.fire8_branch1_relu1(branch1)  # (N, 256, 13, 13)
        branch2 = self.fire8_branch2_conv1(x)  # (N, 256, 13, 13)
        branch2 = self.fire8_branch2_relu1(branch2)  # (N, 256, 13, 13)
        x = torch.cat([branch1, branch2], dim=1)  # (N, 512, 13, 13)
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
