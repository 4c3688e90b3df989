class AvgPool2dPadded(nn.Module):
    """
    nn.AvgPool2d with uneven zero padding (left, right, top, bottom): each window's sum divided by its
    cells inside the input and the `counted` padding (count_include_pad), as PyTorch divides.
    """

    def __init__(self, kernel_size, stride, pad, counted):
        super().__init__()
        self.kernel_size, self.stride, self.pad, self.counted = kernel_size, stride, pad, counted

    def forward(self, x):
        total = F.avg_pool2d(F.pad(x, self.pad), self.kernel_size, self.stride, divisor_override=1)
        ones = F.pad(x.new_ones(1, 1, *x.shape[2:]), self.counted, value=1.0)
        rest = tuple(p - c for p, c in zip(self.pad, self.counted))
        cells = F.avg_pool2d(F.pad(ones, rest), self.kernel_size, self.stride, divisor_override=1)
        return total / cells
