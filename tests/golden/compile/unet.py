"""UNet: a PyTorch module compiled by netspec 0.1.0.

Spec: unet.net. Weights: PyTorch's defaults.
Parameters: 31,030,658. MACs: 150,428,424,448 per sample (FLOPs = 2 x MACs).
Input (N, 1, 572, 572) -> output (N, 2, 388, 388), N being the batch size.

`model(x)` gives the network's output. For NLL training, `model(x, log_probs=True)`
(or `model.log_probabilities(x)`) gives its log_softmax over dim 1.

Needs only torch. `python` on this file runs a random batch through the network and
prints the output shape.
"""

import torch
import torch.nn.functional as F
from torch import nn

INPUT_SHAPE = (1, 572, 572)  # (C, H, W) of one sample


class UNet(nn.Module):
    """UNet, as specified in unet.net."""

    def __init__(self) -> None:
        super().__init__()
        self.double_1_conv1 = nn.Conv2d(1, 64, kernel_size=3)
        self.double_1_relu1 = nn.ReLU()
        self.double_1_conv2 = nn.Conv2d(64, 64, kernel_size=3)
        self.double_1_relu2 = nn.ReLU()
        self.level2_pool1 = nn.MaxPool2d(2)
        self.level2_double_1_conv1 = nn.Conv2d(64, 128, kernel_size=3)
        self.level2_double_1_relu1 = nn.ReLU()
        self.level2_double_1_conv2 = nn.Conv2d(128, 128, kernel_size=3)
        self.level2_double_1_relu2 = nn.ReLU()
        self.level2_level3_pool1 = nn.MaxPool2d(2)
        self.level2_level3_double_1_conv1 = nn.Conv2d(128, 256, kernel_size=3)
        self.level2_level3_double_1_relu1 = nn.ReLU()
        self.level2_level3_double_1_conv2 = nn.Conv2d(256, 256, kernel_size=3)
        self.level2_level3_double_1_relu2 = nn.ReLU()
        self.level2_level3_level4_pool1 = nn.MaxPool2d(2)
        self.level2_level3_level4_double_1_conv1 = nn.Conv2d(256, 512, kernel_size=3)
        self.level2_level3_level4_double_1_relu1 = nn.ReLU()
        self.level2_level3_level4_double_1_conv2 = nn.Conv2d(512, 512, kernel_size=3)
        self.level2_level3_level4_double_1_relu2 = nn.ReLU()
        self.level2_level3_level4_level5_pool1 = nn.MaxPool2d(2)
        self.level2_level3_level4_level5_up1_double_1_conv1 = nn.Conv2d(
            512, 1024, kernel_size=3
        )
        self.level2_level3_level4_level5_up1_double_1_relu1 = nn.ReLU()
        self.level2_level3_level4_level5_up1_double_1_conv2 = nn.Conv2d(
            1024, 1024, kernel_size=3
        )
        self.level2_level3_level4_level5_up1_double_1_relu2 = nn.ReLU()
        self.level2_level3_level4_level5_up1_deconv1 = nn.ConvTranspose2d(
            1024, 512, kernel_size=2, stride=2
        )
        self.level2_level3_level4_up1_double_1_conv1 = nn.Conv2d(
            1024, 512, kernel_size=3
        )
        self.level2_level3_level4_up1_double_1_relu1 = nn.ReLU()
        self.level2_level3_level4_up1_double_1_conv2 = nn.Conv2d(
            512, 512, kernel_size=3
        )
        self.level2_level3_level4_up1_double_1_relu2 = nn.ReLU()
        self.level2_level3_level4_up1_deconv1 = nn.ConvTranspose2d(
            512, 256, kernel_size=2, stride=2
        )
        self.level2_level3_up1_double_1_conv1 = nn.Conv2d(512, 256, kernel_size=3)
        self.level2_level3_up1_double_1_relu1 = nn.ReLU()
        self.level2_level3_up1_double_1_conv2 = nn.Conv2d(256, 256, kernel_size=3)
        self.level2_level3_up1_double_1_relu2 = nn.ReLU()
        self.level2_level3_up1_deconv1 = nn.ConvTranspose2d(
            256, 128, kernel_size=2, stride=2
        )
        self.level2_up1_double_1_conv1 = nn.Conv2d(256, 128, kernel_size=3)
        self.level2_up1_double_1_relu1 = nn.ReLU()
        self.level2_up1_double_1_conv2 = nn.Conv2d(128, 128, kernel_size=3)
        self.level2_up1_double_1_relu2 = nn.ReLU()
        self.level2_up1_deconv1 = nn.ConvTranspose2d(128, 64, kernel_size=2, stride=2)
        self.double_2_conv1 = nn.Conv2d(128, 64, kernel_size=3)
        self.double_2_relu1 = nn.ReLU()
        self.double_2_conv2 = nn.Conv2d(64, 64, kernel_size=3)
        self.double_2_relu2 = nn.ReLU()
        self.conv1 = nn.Conv2d(64, 2, kernel_size=1)

    def forward(self, x: torch.Tensor, log_probs: bool = False) -> torch.Tensor:
        """(N, 1, 572, 572) -> (N, 2, 388, 388); log-probabilities if log_probs."""
        x = self.double_1_conv1(x)  # (N, 64, 570, 570)
        x = self.double_1_relu1(x)  # (N, 64, 570, 570)
        x = self.double_1_conv2(x)  # (N, 64, 568, 568)
        x = self.double_1_relu2(x)  # (N, 64, 568, 568)
        branch2 = self.level2_pool1(x)  # (N, 64, 284, 284)
        branch2 = self.level2_double_1_conv1(branch2)  # (N, 128, 282, 282)
        branch2 = self.level2_double_1_relu1(branch2)  # (N, 128, 282, 282)
        branch2 = self.level2_double_1_conv2(branch2)  # (N, 128, 280, 280)
        branch2 = self.level2_double_1_relu2(branch2)  # (N, 128, 280, 280)
        branch2_2 = self.level2_level3_pool1(branch2)  # (N, 128, 140, 140)
        branch2_2 = self.level2_level3_double_1_conv1(branch2_2)  # (N, 256, 138, 138)
        branch2_2 = self.level2_level3_double_1_relu1(branch2_2)  # (N, 256, 138, 138)
        branch2_2 = self.level2_level3_double_1_conv2(branch2_2)  # (N, 256, 136, 136)
        branch2_2 = self.level2_level3_double_1_relu2(branch2_2)  # (N, 256, 136, 136)
        branch2_3 = self.level2_level3_level4_pool1(branch2_2)  # (N, 256, 68, 68)
        # (N, 512, 66, 66)
        branch2_3 = self.level2_level3_level4_double_1_conv1(branch2_3)
        # (N, 512, 66, 66)
        branch2_3 = self.level2_level3_level4_double_1_relu1(branch2_3)
        # (N, 512, 64, 64)
        branch2_3 = self.level2_level3_level4_double_1_conv2(branch2_3)
        # (N, 512, 64, 64)
        branch2_3 = self.level2_level3_level4_double_1_relu2(branch2_3)
        # (N, 512, 32, 32)
        branch2_4 = self.level2_level3_level4_level5_pool1(branch2_3)
        # (N, 1024, 30, 30)
        branch2_4 = self.level2_level3_level4_level5_up1_double_1_conv1(branch2_4)
        # (N, 1024, 30, 30)
        branch2_4 = self.level2_level3_level4_level5_up1_double_1_relu1(branch2_4)
        # (N, 1024, 28, 28)
        branch2_4 = self.level2_level3_level4_level5_up1_double_1_conv2(branch2_4)
        # (N, 1024, 28, 28)
        branch2_4 = self.level2_level3_level4_level5_up1_double_1_relu2(branch2_4)
        # (N, 512, 56, 56)
        branch2_4 = self.level2_level3_level4_level5_up1_deconv1(branch2_4)
        # (N, 1024, 56, 56)
        branch2_3 = torch.cat([branch2_3[:, :, 4:60, 4:60], branch2_4], dim=1)
        # (N, 512, 54, 54)
        branch2_3 = self.level2_level3_level4_up1_double_1_conv1(branch2_3)
        # (N, 512, 54, 54)
        branch2_3 = self.level2_level3_level4_up1_double_1_relu1(branch2_3)
        # (N, 512, 52, 52)
        branch2_3 = self.level2_level3_level4_up1_double_1_conv2(branch2_3)
        # (N, 512, 52, 52)
        branch2_3 = self.level2_level3_level4_up1_double_1_relu2(branch2_3)
        # (N, 256, 104, 104)
        branch2_3 = self.level2_level3_level4_up1_deconv1(branch2_3)
        # (N, 512, 104, 104)
        branch2_2 = torch.cat([branch2_2[:, :, 16:120, 16:120], branch2_3], dim=1)
        # (N, 256, 102, 102)
        branch2_2 = self.level2_level3_up1_double_1_conv1(branch2_2)
        # (N, 256, 102, 102)
        branch2_2 = self.level2_level3_up1_double_1_relu1(branch2_2)
        # (N, 256, 100, 100)
        branch2_2 = self.level2_level3_up1_double_1_conv2(branch2_2)
        # (N, 256, 100, 100)
        branch2_2 = self.level2_level3_up1_double_1_relu2(branch2_2)
        branch2_2 = self.level2_level3_up1_deconv1(branch2_2)  # (N, 128, 200, 200)
        # (N, 256, 200, 200)
        branch2 = torch.cat([branch2[:, :, 40:240, 40:240], branch2_2], dim=1)
        branch2 = self.level2_up1_double_1_conv1(branch2)  # (N, 128, 198, 198)
        branch2 = self.level2_up1_double_1_relu1(branch2)  # (N, 128, 198, 198)
        branch2 = self.level2_up1_double_1_conv2(branch2)  # (N, 128, 196, 196)
        branch2 = self.level2_up1_double_1_relu2(branch2)  # (N, 128, 196, 196)
        branch2 = self.level2_up1_deconv1(branch2)  # (N, 64, 392, 392)
        x = torch.cat([x[:, :, 88:480, 88:480], branch2], dim=1)  # (N, 128, 392, 392)
        x = self.double_2_conv1(x)  # (N, 64, 390, 390)
        x = self.double_2_relu1(x)  # (N, 64, 390, 390)
        x = self.double_2_conv2(x)  # (N, 64, 388, 388)
        x = self.double_2_relu2(x)  # (N, 64, 388, 388)
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
