class Conv2dPadded(nn.Conv2d):
    """nn.Conv2d after zero padding (left, right, top, bottom): PyTorch's own padding is the same on both sides."""

    def __init__(self, *args, pad, **kwargs):
        super().__init__(*args, **kwargs)
        self.pad = pad

    def forward(self, x):
        return super().forward(F.pad(x, self.pad))
