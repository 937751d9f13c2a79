#!/usr/bin/python3
"""Trains the event-camera Fashion-MNIST network and exports it for snnc.

Needs the recordings of make_events.py (build/fashion-mnist-events by
default).  Seeded and reproducible on the same machine and torch build:
    /usr/bin/python3 examples/fashion_mnist_events/train.py --epochs 12 --threads 1
writes model.pt (state dict), fashion_mnist_events.onnx (events encoding,
T = 6) and accuracy.json beside this file.  The committed files came from
exactly that command; train-log.txt is its output.
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
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(HERE, "..", "..", "python"))

import snnc_torch  # noqa: E402
from events_data import DEFAULT_ROOT, load  # noqa: E402
from model import TIMESTEPS, EventNet  # noqa: E402

ONNX_NAME = "fashion_mnist_events.onnx"


def step_major(frames):
    """uint8 [N, T, P, H, W] -> float32 [T, N, P, H, W], the events encoding."""
    return torch.from_numpy(frames).float().transpose(0, 1).contiguous()


def evaluate(model, frames, labels, batch=500):
    model.eval()
    correct = 0
    with torch.no_grad():
        for i in range(0, len(frames), batch):
            out = snnc_torch.run(model, step_major(frames[i:i + batch]), TIMESTEPS, "events")
            correct += int((out.argmax(1).numpy() == labels[i:i + batch]).sum())
    return correct / len(frames)


def train(args):
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    rng = np.random.default_rng(args.seed)
    start = time.time()
    train_x, train_y = load(args.data, "train", TIMESTEPS)
    test_x, test_y = load(args.data, "test", TIMESTEPS)
    if args.train_limit:
        train_x, train_y = train_x[:args.train_limit], train_y[:args.train_limit]
    print(f"{len(train_x)} training and {len(test_x)} test recordings binned to "
          f"{TIMESTEPS} frames ({time.time() - start:.0f} s)", flush=True)

    model = EventNet()
    opt = torch.optim.Adam(model.parameters(), lr=args.lr)
    steps = args.epochs * ((len(train_x) + args.batch - 1) // args.batch)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, total_steps=steps)
    for epoch in range(args.epochs):
        model.train()
        order = rng.permutation(len(train_x))
        start, total_loss = time.time(), 0.0
        for i in range(0, len(order), args.batch):
            idx = np.sort(order[i:i + args.batch])
            out = snnc_torch.run(model, step_major(train_x[idx]), TIMESTEPS, "events")
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
    snnc_torch.export(model, torch.zeros(1, 2, 34, 34), os.path.join(args.out, ONNX_NAME),
                      TIMESTEPS, "events")
    command = "/usr/bin/python3 examples/fashion_mnist_events/train.py"
    command += f" --epochs {args.epochs}"
    if args.train_limit:
        command += f" --train-limit {args.train_limit}"
    if args.threads != 2:
        command += f" --threads {args.threads}"
    with open(os.path.join(args.out, "accuracy.json"), "w") as f:
        json.dump({"float_test_accuracy": acc, "test_recordings": len(test_x),
                   "train_recordings": len(train_x), "timesteps": TIMESTEPS,
                   "epochs": args.epochs, "seed": args.seed, "command": command}, f, indent=2)
        f.write("\n")
    print(f"final float test accuracy {acc * 100:.2f}%")
    return acc


def main():
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=DEFAULT_ROOT, help="make_events.py's output")
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--batch", type=int, default=100)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--train-limit", type=int, help="train on the first N recordings only")
    parser.add_argument("--out", default=HERE)
    parser.add_argument("--threads", type=int, default=2,
                        help="torch threads (1 trains faster on a loaded machine)")
    args = parser.parse_args()
    try:
        train(args)
    except FileNotFoundError as err:
        sys.exit(f"train.py: {err}")


if __name__ == "__main__":
    main()
