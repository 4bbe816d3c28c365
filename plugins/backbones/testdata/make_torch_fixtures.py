"""Reference fixtures for the backbone tests: small-width torchvision ResNet-18
and ConvNeXt models with a fixed seed and non-trivial BatchNorm statistics,
their weights as .safetensors (torchvision keys; the ConvNeXt also with timm
and official keys, and in F16) and their eval-mode logits for a fixed input.

Needs Debian's python3-torch and python3-torchvision:
    /usr/bin/python3 plugins/backbones/testdata/make_torch_fixtures.py
Tests never run this; they read what it wrote.
"""
import json
import os
import struct

import torch
import torchvision
from torchvision.models.convnext import CNBlockConfig, ConvNeXt
from torchvision.models.resnet import BasicBlock, ResNet

HERE = os.path.dirname(os.path.abspath(__file__))


def save_safetensors(path, tensors, dtype="F32"):
    """Writes a safetensors file by hand (no extra package needed)."""
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        t = t.detach().contiguous()
        if dtype == "F16":
            raw = t.to(torch.float16).numpy().tobytes()
        else:
            raw = t.to(torch.float32).numpy().tobytes()
        header[name] = {"dtype": dtype, "shape": list(t.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    js = json.dumps(header).encode()
    js += b" " * ((8 - len(js) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(js)))
        f.write(js)
        for b in blobs:
            f.write(b)


class SmallResNet(ResNet):
    """torchvision's ResNet with stage widths w, 2w, 4w, 8w (same module names)."""

    def __init__(self, w, num_classes):
        super().__init__(BasicBlock, [2, 2, 2, 2], num_classes=num_classes)
        self.inplanes = w
        self.conv1 = torch.nn.Conv2d(3, w, 7, 2, 3, bias=False)
        self.bn1 = torch.nn.BatchNorm2d(w)
        self.layer1 = self._make_layer(BasicBlock, w, 2)
        self.layer2 = self._make_layer(BasicBlock, 2 * w, 2, stride=2)
        self.layer3 = self._make_layer(BasicBlock, 4 * w, 2, stride=2)
        self.layer4 = self._make_layer(BasicBlock, 8 * w, 2, stride=2)
        self.fc = torch.nn.Linear(8 * w, num_classes)


def randomize_bn(model, gen):
    for m in model.modules():
        if isinstance(m, torch.nn.BatchNorm2d):
            m.running_mean.copy_(torch.randn(m.num_features, generator=gen) * 0.5)
            m.running_var.copy_(torch.rand(m.num_features, generator=gen) + 0.5)
            m.weight.data.copy_(torch.rand(m.num_features, generator=gen) + 0.5)
            m.bias.data.copy_(torch.randn(m.num_features, generator=gen) * 0.2)


def timm_convnext_keys(sd):
    out = {}
    for k, v in sd.items():
        p = k.split(".")
        if k.startswith("features.0."):
            out[f"stem.{p[2]}." + ".".join(p[3:])] = v
        elif k.startswith("features.") and int(p[1]) % 2 == 0:
            s = int(p[1]) // 2
            out[f"stages.{s}.downsample.{p[2]}." + ".".join(p[3:])] = v
        elif k.startswith("features."):
            s, i = (int(p[1]) - 1) // 2, p[2]
            rest = ".".join(p[3:])
            if rest == "layer_scale":
                out[f"stages.{s}.blocks.{i}.gamma"] = v.reshape(-1)
                continue
            sub = {"block.0": "conv_dw", "block.2": "norm", "block.3": "mlp.fc1", "block.5": "mlp.fc2"}
            head = ".".join(p[3:5])
            out[f"stages.{s}.blocks.{i}.{sub[head]}." + ".".join(p[5:])] = v
        elif k.startswith("classifier.0."):
            out["head.norm." + p[2]] = v
        elif k.startswith("classifier.2."):
            out["head.fc." + p[2]] = v
    return out


def official_convnext_keys(sd):
    out = {}
    for k, v in timm_convnext_keys(sd).items():
        p = k.split(".")
        if k.startswith("stem."):
            out["downsample_layers.0." + ".".join(p[1:])] = v
        elif ".downsample." in k:
            out[f"downsample_layers.{p[1]}." + ".".join(p[3:])] = v
        elif k.startswith("stages."):
            rest = ".".join(p[4:])
            rest = rest.replace("conv_dw", "dwconv").replace("mlp.fc1", "pwconv1").replace("mlp.fc2", "pwconv2")
            out[f"stages.{p[1]}.{p[3]}.{rest}"] = v
        elif k.startswith("head.norm."):
            out["norm." + p[2]] = v
        elif k.startswith("head.fc."):
            out["head." + p[2]] = v
    return out


def main():
    torch.manual_seed(0)
    gen = torch.Generator().manual_seed(1)
    x = torch.randn(2, 3, 32, 32, generator=gen)
    io = {"input_nchw_shape": list(x.shape), "input": [round(v, 7) for v in x.flatten().tolist()]}

    resnet = SmallResNet(4, 10)
    randomize_bn(resnet, gen)
    resnet.eval()
    save_safetensors(os.path.join(HERE, "resnet18_w4.safetensors"), resnet.state_dict())
    io["resnet18_w4_logits"] = resnet(x).flatten().tolist()

    cfg = [CNBlockConfig(8, 16, 1), CNBlockConfig(16, 32, 1), CNBlockConfig(32, 64, 1), CNBlockConfig(64, None, 1)]
    cnx = ConvNeXt(cfg, num_classes=10, layer_scale=0.5)
    for m in cnx.modules():  # non-trivial LayerNorm affine parameters
        if isinstance(m, torch.nn.LayerNorm):
            m.weight.data.copy_(torch.rand(m.weight.shape, generator=gen) + 0.5)
            m.bias.data.copy_(torch.randn(m.bias.shape, generator=gen) * 0.2)
    cnx.eval()
    sd = cnx.state_dict()
    save_safetensors(os.path.join(HERE, "convnext_nano_tv.safetensors"), sd)
    save_safetensors(os.path.join(HERE, "convnext_nano_timm.safetensors"), timm_convnext_keys(sd))
    save_safetensors(os.path.join(HERE, "convnext_nano_official_f16.safetensors"), official_convnext_keys(sd), "F16")
    io["convnext_nano_logits"] = cnx(x).flatten().tolist()
    half = {k: v.to(torch.float16).to(torch.float32) for k, v in sd.items()}
    cnx.load_state_dict(half)
    io["convnext_nano_f16_logits"] = cnx(x).flatten().tolist()
    mnv2 = torchvision.models.MobileNetV2(
        num_classes=10,
        inverted_residual_setting=[[1, 8, 1, 1], [6, 8, 2, 2], [6, 16, 1, 2], [6, 16, 1, 2], [6, 24, 1, 2]],
    )
    randomize_bn(mnv2, gen)
    mnv2.eval()
    save_safetensors(os.path.join(HERE, "mobilenetv2_test.safetensors"), mnv2.state_dict())
    io["mobilenetv2_test_logits"] = mnv2(x).flatten().tolist()
    io["versions"] = {"torch": torch.__version__, "torchvision": torchvision.__version__}
    with open(os.path.join(HERE, "reference_io.json"), "w") as f:
        json.dump(io, f)


if __name__ == "__main__":
    with torch.no_grad():
        main()
