"""
The PyTorch models the benchmarks compare against, written layer for layer from the specs:
seed_alexnet from specs/alexnet.anet (the seed's own code), mini_alexnet from specs/alexnet-mini.anet.
"""
import torch.nn as nn


def seed_alexnet(num_classes=1000):
    features = nn.Sequential(
        nn.Conv2d(3, 48, 11, 4, 2), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2),
        nn.Conv2d(48, 128, 5, padding=2), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2),
        nn.Conv2d(128, 192, 3, padding=1), nn.ReLU(inplace=True),
        nn.Conv2d(192, 192, 3, padding=1), nn.ReLU(inplace=True),
        nn.Conv2d(192, 128, 3, padding=1), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2))
    classifier = nn.Sequential(
        nn.Dropout(0.5), nn.Linear(128 * 6 * 6, 2048), nn.ReLU(inplace=True),
        nn.Dropout(0.5), nn.Linear(2048, 2048), nn.ReLU(inplace=True), nn.Linear(2048, num_classes))
    return nn.Sequential(features, nn.Flatten(), classifier)


def mini_alexnet(num_classes=8):
    features = nn.Sequential(
        # padding=[1, 2]: 1 before, 2 after, in both dimensions (left, right, top, bottom).
        nn.ZeroPad2d((1, 2, 1, 2)), nn.Conv2d(3, 16, 5), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2),
        nn.Conv2d(16, 32, 5, padding=2), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2),
        nn.Conv2d(32, 48, 3, padding=1), nn.ReLU(inplace=True),
        nn.Conv2d(48, 48, 3, padding=1), nn.ReLU(inplace=True),
        nn.Conv2d(48, 32, 3, padding=1), nn.ReLU(inplace=True), nn.MaxPool2d(3, 2))
    classifier = nn.Sequential(
        nn.Linear(32 * 3 * 3, 256), nn.ReLU(inplace=True),
        nn.Linear(256, 256), nn.ReLU(inplace=True), nn.Linear(256, num_classes))
    return nn.Sequential(features, nn.Flatten(), classifier)
