class MaxPool2dPadded(nn.MaxPool2d):
    """nn.MaxPool2d after −∞ padding (left, right, top, bottom), ceil mode's extension included."""

    def __init__(self, *args, pad, **kwargs):
        super().__init__(*args, **kwargs)
        self.pad = pad

    def forward(self, x):
        return super().forward(F.pad(x, self.pad, value=float("-inf")))
