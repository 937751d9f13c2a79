"""Trains snnTorch tutorial 6's convolutional SNN on Fashion-MNIST, as the
tutorial trains it: direct input (the same image every step), utils.reset
per batch, SF.ce_rate_loss on the output spikes, Adam(lr=1e-2,
betas=(0.9, 0.999)), batches of 128.  Only num_steps is smaller than the
tutorial's 50 (10: CPU budget), and it runs for 3 epochs instead of 50
iterations.  Accuracy as the tutorial measures it: the argmax of the output
spike counts.  Writes tutorial6_csnn.pt (the state_dict),
tutorial6_csnn.predictions.npy and accuracy.json's entry.

    /usr/bin/python3 examples/frameworks/train_snntorch_tutorial6.py
    /usr/bin/python3 examples/frameworks/train_snntorch_tutorial6.py --eval-only
"""

import argparse
import os

import torch

import common
import nets

common.frameworks()
import snntorch as snn  # noqa: E402
import snntorch.functional as SF  # noqa: E402
from snntorch import surrogate, utils  # noqa: E402


def forward_pass(net, num_steps, data):
    """The tutorial's forward_pass: T calls of the net on the same input."""
    mem_rec = []
    spk_rec = []
    utils.reset(net)  # resets hidden states for all LIF neurons in net
    for step in range(num_steps):
        spk_out, mem_out = net(data)
        spk_rec.append(spk_out)
        mem_rec.append(mem_out)
    return torch.stack(spk_rec), torch.stack(mem_rec)


def predict(net, num_steps, x, batch_size=1000):
    """The class of every image: the argmax of the output spike counts (ties
    go to the lowest class, as torch.argmax breaks them)."""
    net.eval()
    with torch.no_grad():
        return torch.cat([forward_pass(net, num_steps, x[i:i + batch_size])[0].sum(0).argmax(1)
                          for i in range(0, len(x), batch_size)])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--num-steps", type=int, default=10)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=128)
    parser.add_argument("--lr", type=float, default=1e-2)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=os.path.join(common.HERE, "tutorial6_csnn.pt"))
    common.eval_only_argument(parser)
    args = parser.parse_args()
    common.setup(args.seed)
    x_train, y_train = common.fashion("train")
    x_test, y_test = common.fashion("test")

    # neuron and simulation parameters, and the network, as in tutorial 6
    spike_grad = surrogate.fast_sigmoid(slope=25)
    net = nets.tutorial6_csnn(snn, spike_grad, beta=0.5)
    if args.eval_only:
        net.load_state_dict(torch.load(args.out))
        common.finish("tutorial6_csnn", predict(net, args.num_steps, x_test), y_test)
        return
    loss_fn = SF.ce_rate_loss()
    optimizer = torch.optim.Adam(net.parameters(), lr=args.lr, betas=(0.9, 0.999))

    clock = common.Clock()
    iters = 0
    for data, targets in common.batches(x_train, y_train, args.batch_size, args.epochs,
                                        args.seed):
        net.train()
        spk_rec, _ = forward_pass(net, args.num_steps, data)
        loss_val = loss_fn(spk_rec, targets)
        optimizer.zero_grad()
        loss_val.backward()
        optimizer.step()
        iters += 1
        if iters % 100 == 0:
            acc = SF.accuracy_rate(spk_rec, targets)
            print(f"iter {iters}: loss {loss_val.item():.3f}, batch accuracy {acc * 100:.1f}% "
                  f"({clock():.0f} s)", flush=True)
    train_s = clock()
    print(f"trained {iters} iterations in {train_s:.0f} s")
    torch.save(net.state_dict(), args.out)
    common.finish("tutorial6_csnn", predict(net, args.num_steps, x_test), y_test, {
        "framework": "snnTorch " + snn.__version__, "num_steps": args.num_steps,
        "batch_size": args.batch_size, "lr": args.lr, "epochs": args.epochs,
        "iterations": iters, "seed": args.seed, "train_seconds": round(train_s)})


if __name__ == "__main__":
    main()
