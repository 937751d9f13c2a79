"""Trains snnTorch tutorial 5's fully connected SNN on Fashion-MNIST, as the
tutorial trains it: its Net class, whose forward() loops over num_steps=25
passing each Leaky(beta=0.95) its membrane; the loss nn.CrossEntropyLoss on
the output membrane at every step, summed over the steps; Adam(lr=5e-4,
betas=(0.9, 0.999)); batches of 128; one epoch.  The hidden layer is
smaller than the tutorial's 1000 (--num-hidden, default 200: the checkpoint
stays well under 1 MB).  Accuracy as the tutorial measures it: the argmax of
the output spike counts.  Writes tutorial5_fc.pt,
tutorial5_fc.predictions.npy and accuracy.json's entry.

    /usr/bin/python3 examples/frameworks/train_snntorch_tutorial5.py
    /usr/bin/python3 examples/frameworks/train_snntorch_tutorial5.py --eval-only
"""

import argparse
import os

import torch
import torch.nn as nn

import common
import nets

common.frameworks()
import snntorch as snn  # noqa: E402


def predict(net, x, batch_size=1000):
    """The class of every image: the argmax of the output spike counts (ties
    go to the lowest class, as torch.argmax breaks them)."""
    net.eval()
    with torch.no_grad():
        return torch.cat([net(x[i:i + batch_size])[0].sum(0).argmax(1)
                          for i in range(0, len(x), batch_size)])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--num-steps", type=int, default=25)
    parser.add_argument("--num-hidden", type=int, default=200)
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=os.path.join(common.HERE, "tutorial5_fc.pt"))
    common.eval_only_argument(parser)
    args = parser.parse_args()
    common.setup(args.seed)
    x_train, y_train = common.fashion("train")
    x_test, y_test = common.fashion("test")

    net = nets.Tutorial5Net(snn, args.num_hidden, args.num_steps, beta=0.95)
    if args.eval_only:
        net.load_state_dict(torch.load(args.out))
        common.finish("tutorial5_fc", predict(net, x_test), y_test)
        return
    loss = nn.CrossEntropyLoss()
    optimizer = torch.optim.Adam(net.parameters(), lr=5e-4, betas=(0.9, 0.999))

    clock = common.Clock()
    iters = 0
    for data, targets in common.batches(x_train, y_train, args.batch_size, args.epochs,
                                        args.seed):
        net.train()
        spk_rec, mem_rec = net(data)
        # the tutorial's loss: CE of the membrane at every step, summed
        loss_val = torch.zeros((1), dtype=torch.float)
        for step in range(args.num_steps):
            loss_val += loss(mem_rec[step], targets)
        optimizer.zero_grad()
        loss_val.backward()
        optimizer.step()
        iters += 1
        if iters % 100 == 0:
            acc = (spk_rec.sum(0).argmax(1) == targets).float().mean().item()
            print(f"iter {iters}: loss {loss_val.item():.2f}, batch accuracy {acc * 100:.1f}% "
                  f"({clock():.0f} s)", flush=True)
    train_s = clock()
    print(f"trained {iters} iterations in {train_s:.0f} s")
    torch.save(net.state_dict(), args.out)
    common.finish("tutorial5_fc", predict(net, x_test), y_test, {
        "framework": "snnTorch " + snn.__version__, "num_steps": args.num_steps,
        "num_hidden": args.num_hidden, "batch_size": args.batch_size, "epochs": args.epochs,
        "iterations": iters, "seed": args.seed, "train_seconds": round(train_s)})


if __name__ == "__main__":
    main()
