"""Trains a small SEW ResNet (nets.SEWNet: its BasicBlock has its own
forward(), cnf='ADD') with SpikingJelly on Fashion-MNIST: the model zoo's
layers (activation_based.layer) and LIFNode(tau=2, surrogate ATan,
detach_reset=True), in multi-step mode (functional.set_step_mode(net, 'm'):
[T, N, ...] tensors, BN statistics over T*N), direct input repeated over
T=4 steps, cross-entropy on the readout's mean over T, Adam(lr=1e-3) with a
cosine schedule over 3 epochs of batches of 64, functional.reset_net after
each batch.  Test accuracy is measured in multi-step mode and again in
single-step mode (SpikingJelly's default, and how the converter and the test
run it; the two predict the same).  Writes sew_resnet.pt,
sew_resnet.predictions.npy and accuracy.json's entry.

    /usr/bin/python3 examples/frameworks/train_spikingjelly_sew.py
    /usr/bin/python3 examples/frameworks/train_spikingjelly_sew.py --eval-only
"""

import argparse
import os

import torch
import torch.nn.functional as F

import common
import nets

common.frameworks()
from spikingjelly.activation_based import functional, layer, neuron, surrogate  # noqa: E402


def make_neuron():
    return neuron.LIFNode(tau=2.0, surrogate_function=surrogate.ATan(), detach_reset=True)


def run(net, x, T):
    """The readout's mean over T, in the net's step mode."""
    if net.avgpool.step_mode == "m":
        out = net(x.unsqueeze(0).repeat(T, 1, 1, 1, 1)).mean(0)
    else:
        out = torch.stack([net(x) for _ in range(T)]).mean(0)
    functional.reset_net(net)
    return out


def predict(net, x, T, batch_size=1000):
    """The class of every image: the argmax of the readout's mean over T."""
    net.eval()
    with torch.no_grad():
        return torch.cat([run(net, x[i:i + batch_size], T).argmax(1)
                          for i in range(0, len(x), batch_size)])


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("-T", type=int, default=4)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--lr", type=float, default=1e-3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", default=os.path.join(common.HERE, "sew_resnet.pt"))
    common.eval_only_argument(parser)
    args = parser.parse_args()
    common.setup(args.seed)
    x_train, y_train = common.fashion("train")
    x_test, y_test = common.fashion("test")

    net = nets.SEWNet(layer, make_neuron)
    if args.eval_only:
        net.load_state_dict(torch.load(args.out))
        common.finish("sew_resnet", predict(net, x_test, args.T), y_test)
        return
    functional.set_step_mode(net, "m")
    optimizer = torch.optim.Adam(net.parameters(), lr=args.lr)
    steps = args.epochs * (len(x_train) // args.batch_size)
    scheduler = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, steps)

    clock = common.Clock()
    iters = 0
    for data, targets in common.batches(x_train, y_train, args.batch_size, args.epochs,
                                        args.seed):
        net.train()
        out = run(net, data, args.T)
        loss = F.cross_entropy(out, targets)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        scheduler.step()
        iters += 1
        if iters % 100 == 0:
            acc = (out.argmax(1) == targets).float().mean().item()
            print(f"iter {iters}: loss {loss.item():.3f}, batch accuracy {acc * 100:.1f}% "
                  f"({clock():.0f} s)", flush=True)
    train_s = clock()
    print(f"trained {iters} iterations in {train_s:.0f} s")
    torch.save(net.state_dict(), args.out)
    multi = predict(net, x_test, args.T)
    functional.set_step_mode(net, "s")  # how the converter runs it
    single = predict(net, x_test, args.T)
    print(f"multi-step and single-step predictions agree on {int((multi == single).sum())} "
          f"of {len(single)} test images")
    common.finish("sew_resnet", single, y_test, {
        "framework": "SpikingJelly dd2a4a21", "T": args.T, "batch_size": args.batch_size,
        "epochs": args.epochs, "iterations": iters, "lr": args.lr, "seed": args.seed,
        "train_seconds": round(train_s), "test_correct_multi_step": int((multi == y_test).sum())})


if __name__ == "__main__":
    main()
