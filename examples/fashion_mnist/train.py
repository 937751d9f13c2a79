#!/usr/bin/python3
"""Trains the STBP-tdBN Fashion-MNIST example and exports it for snnc.

Seeded and reproducible on the same machine and torch build:
    /usr/bin/python3 examples/fashion_mnist/train.py --epochs 12
writes model.pt (state dict), fashion_mnist.onnx and accuracy.json beside
this file.  The committed files came from exactly that command.
"""

import argparse
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "..", "python"))
sys.path.insert(0, HERE)

import snnc_torch  # noqa: E402
from data import load  # noqa: E402
from model import TIMESTEPS, FashionNet  # noqa: E402


def evaluate(model, images, labels, batch=500):
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(images), batch):
            x = torch.from_numpy(images[i:i + batch])
            out = snnc_torch.run(model, x, TIMESTEPS)
            correct += int((out.argmax(1).numpy() == labels[i:i + batch]).sum())
    return correct / len(images)


def train(make_model, args, onnx_name, command):
    """Trains make_model() (built after seeding) on Fashion-MNIST (Adam, one-cycle schedule, random
    horizontal flips), then writes model.pt, `onnx_name` and accuracy.json
    into args.out.  Returns the float test accuracy."""
    torch.set_num_threads(2)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    train_x, train_y = load("train")
    test_x, test_y = load("test")

    model = make_model()
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    steps = args.epochs * ((len(train_x) + args.batch - 1) // args.batch)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, total_steps=steps)
    for epoch in range(args.epochs):
        model.train()
        order = rng.permutation(len(train_x))
        start, total_loss = time.time(), 0.0
        for i in range(0, len(order), args.batch):
            idx = order[i:i + args.batch]
            x = torch.from_numpy(train_x[idx])
            # Light augmentation: random horizontal flips.
            flip = torch.from_numpy(rng.random(len(idx)) < 0.5)
            x = torch.where(flip[:, None, None, None], x.flip(3), x)
            out = snnc_torch.run(model, x, TIMESTEPS)
            loss = F.cross_entropy(out, torch.from_numpy(train_y[idx]))
            opt.zero_grad()
            loss.backward()
            opt.step()
            sched.step()
            total_loss += loss.item() * len(idx)
        acc = evaluate(model, test_x, test_y)
        print(f"epoch {epoch + 1}/{args.epochs} loss {total_loss / len(order):.4f} "
              f"test {acc * 100:.2f}% ({time.time() - start:.0f} s)", flush=True)

    acc = evaluate(model, test_x, test_y)
    torch.save(model.state_dict(), os.path.join(args.out, "model.pt"))
    snnc_torch.export(model, torch.zeros(1, 1, 28, 28),
                      os.path.join(args.out, onnx_name), TIMESTEPS, "direct")
    with open(os.path.join(args.out, "accuracy.json"), "w") as f:
        json.dump({"float_test_accuracy": acc, "test_images": len(test_x),
                   "timesteps": TIMESTEPS, "epochs": args.epochs, "seed": args.seed,
                   "command": f"{command} --epochs {args.epochs}"}, f, indent=2)
        f.write("\n")
    print(f"final float test accuracy {acc * 100:.2f}%")
    return acc


def parse_args(description, epochs, lr, out):
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--epochs", type=int, default=epochs)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--lr", type=float, default=lr)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=out)
    return parser.parse_args()


def main():
    args = parse_args(__doc__, epochs=12, lr=2e-3, out=HERE)
    train(FashionNet, args, "fashion_mnist.onnx",
          "/usr/bin/python3 examples/fashion_mnist/train.py")


if __name__ == "__main__":
    main()
