"""The types of snnc and snnc_torch, held to the code they describe.

python/snnc/_snnc.pyi is written by hand for a pybind11 module, so nothing
but this test notices when the bindings change under it: every public
class, function, method and property of the built snnc._snnc is in the
stub, with its parameters' names and defaults, and every one in the stub is
in the module.  The public functions and methods of snnc and snnc_torch
annotate every parameter and their return, and every annotation (stub or
package, evaluated here only: the packages never evaluate them) names
something that exists.  Standard library only; mypy is used when present.
"""

import __future__

import ast
import importlib
import importlib.util
import inspect
import os
import re
import subprocess
import sys
import types
import typing

import pytest

from helpers import ROOT

import snnc
import snnc_torch
from snnc import _snnc

STUB = os.path.join(ROOT, "python", "snnc", "_snnc.pyi")
PACKAGE_MODULES = ("snnc", "snnc._evaluate", "snnc._sweep", "snnc_torch",
                   "snnc_torch.convert", "snnc_torch.export",
                   "snnc_torch.layers")
# Dunders that are part of a bound class's interface (construction,
# pickling); the stub must declare each that the class defines.
INTERFACE_DUNDERS = ("__init__", "__getstate__", "__setstate__")


# ---------------------------------------------------------------------------
# The stub, executed as a module (annotations kept as strings, as a type
# checker reads them) and parsed for what each class declares.
# ---------------------------------------------------------------------------

def load_stub():
    with open(STUB, encoding="utf-8") as f:
        source = f.read()
    code = compile(source, STUB, "exec",
                   flags=__future__.annotations.compiler_flag,
                   dont_inherit=True)
    module = types.ModuleType("_snnc_stub")
    exec(code, vars(module))  # noqa: S102 (our own stub: defs and imports)
    return ast.parse(source), module


STUB_TREE, STUB_MODULE = load_stub()


def stub_top_level():
    """{public name: ast node} of what the stub defines at module level."""
    names = {}
    for node in STUB_TREE.body:
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)):
            names[node.name] = node
        elif isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
            names[node.target.id] = node
    return {n: node for n, node in names.items() if not n.startswith("_")}


def decorator_names(node):
    return {ast.unparse(d) for d in node.decorator_list}


def stub_members(cls_node):
    """{name: kind} of a stub class: method, staticmethod, property
    (read-only) or attribute (readable and writable)."""
    members = {}
    for node in cls_node.body:
        if isinstance(node, ast.AnnAssign):
            members[node.target.id] = "attribute"
        elif isinstance(node, ast.FunctionDef):
            decorators = decorator_names(node)
            if f"{node.name}.setter" in decorators:
                members[node.name] = "attribute"
            elif "property" in decorators:
                members[node.name] = "property"
            elif "staticmethod" in decorators:
                members[node.name] = "staticmethod"
            else:
                members[node.name] = "method"
    return members


# ---------------------------------------------------------------------------
# The built module, as pybind11 describes it.
# ---------------------------------------------------------------------------

def runtime_public_names():
    return {n for n in dir(_snnc) if not n.startswith("_")}


def runtime_kind(cls, name):
    static = inspect.getattr_static(cls, name)
    if isinstance(static, property):
        return "attribute" if static.fset is not None else "property"
    if isinstance(static, staticmethod):
        return "staticmethod"
    return "method"


def runtime_members(cls):
    """{name: kind} of what a bound class offers its users: its public
    names (including those the snnc package adds, e.g. report_html) and
    the interface dunders it defines itself."""
    own = [vars(k) for k in cls.__mro__ if k.__module__ == _snnc.__name__]
    names = {n for d in own for n in d if not n.startswith("_")}
    # A class bound without a constructor (Package) has pybind11's slot
    # __init__, which refuses every call: the stub declares none.
    names |= {n for d in own for n in INTERFACE_DUNDERS
              if n in d and not isinstance(d[n], types.WrapperDescriptorType)}
    return {n: runtime_kind(cls, n) for n in names}


# "name(self: T, a: int, b: str = 'x') -> R": pybind11's first doc line.
PYBIND_PARAMETER = re.compile(r"(?:\(|, )(\w+): ")


def pybind_parameters(function):
    """[(name, default text or None)] from pybind11's signature line,
    without self."""
    line = (function.__doc__ or "").lstrip().split("\n", 1)[0]
    head = line.rsplit(") -> ", 1)[0]
    matches = list(PYBIND_PARAMETER.finditer(head))
    parameters = []
    for i, match in enumerate(matches):
        end = matches[i + 1].start() if i + 1 < len(matches) else len(head)
        text = head[match.end():end]
        default = text.split(" = ", 1)[1] if " = " in text else None
        parameters.append((match.group(1), default))
    return [p for p in parameters if p[0] != "self"]


def runtime_parameters(function):
    """[(name, default text or None)] of a bound or Python function."""
    if inspect.isfunction(function):  # e.g. Package.report_html
        signature = inspect.signature(function)
        return [(p.name, None if p.default is p.empty else repr(p.default))
                for p in list(signature.parameters.values())
                if p.name != "self"]
    return pybind_parameters(function)


def stub_parameters(function):
    signature = inspect.signature(function)
    return [(p.name, p.default) for p in signature.parameters.values()
            if p.name != "self"]


def check_parameters(where, runtime, stub):
    """Same names, same defaults: a stub default of `...` stands for one
    that has no literal (a CompileArgs()), any other must be pybind11's."""
    stub_params = stub_parameters(stub)
    runtime_params = runtime_parameters(runtime)
    assert [n for n, _ in stub_params] == [n for n, _ in runtime_params], (
        f"{where}: the stub's parameters differ from the module's "
        f"({runtime.__doc__ or inspect.signature(runtime)})")
    for (name, stub_default), (_, default) in zip(stub_params,
                                                  runtime_params):
        has_default = stub_default is not inspect.Parameter.empty
        assert has_default == (default is not None), (
            f"{where}: parameter {name} has a default in only one of the "
            f"stub and the module")
        if has_default and stub_default is not Ellipsis:
            assert repr(stub_default) == default, (
                f"{where}: parameter {name} defaults to {default} in the "
                f"module, {stub_default!r} in the stub")


def stub_callable(owner, name):
    static = inspect.getattr_static(owner, name)
    return static.__func__ if isinstance(static, staticmethod) else static


# ---------------------------------------------------------------------------
# The stub against the module.
# ---------------------------------------------------------------------------

def test_the_stub_declares_every_public_name_of_the_module_and_no_other():
    stub = set(stub_top_level())
    runtime = runtime_public_names()
    assert not runtime - stub, (
        f"snnc._snnc exports {sorted(runtime - stub)}, which "
        f"python/snnc/_snnc.pyi does not declare")
    assert not stub - runtime, (
        f"python/snnc/_snnc.pyi declares {sorted(stub - runtime)}, which "
        f"snnc._snnc does not export")


def test_every_stub_class_has_the_members_and_kinds_of_the_module_class():
    for name, node in stub_top_level().items():
        if not isinstance(node, ast.ClassDef):
            continue
        cls = getattr(_snnc, name)
        assert isinstance(cls, type), f"snnc._snnc.{name} is not a class"
        stub = stub_members(node)
        runtime = runtime_members(cls)
        missing = set(runtime) - set(stub)
        assert not missing, (f"{name}: the stub lacks {sorted(missing)}")
        # Private names (Package._report_html, which snnc calls) need only
        # exist; the others must be the module's.
        extra = {m for m in stub if m not in runtime and not (
            m.startswith("_") and m not in INTERFACE_DUNDERS and hasattr(cls, m))}
        assert not extra, (f"{name}: the stub declares {sorted(extra)}, "
                           "which the module's class does not have")
        for member, kind in runtime.items():
            assert stub[member] == kind, (
                f"{name}.{member} is in the module a {kind}, in the stub a "
                f"{stub[member]}")


def test_exception_classes_have_the_module_bases():
    for name, node in stub_top_level().items():
        cls = getattr(_snnc, name)
        if not (isinstance(cls, type) and issubclass(cls, BaseException)):
            continue
        assert isinstance(node, ast.ClassDef)
        stub_bases = [ast.unparse(b) for b in node.bases]
        assert stub_bases == [b.__name__ for b in cls.__bases__], name


def test_every_function_and_method_has_the_module_parameters():
    for name, node in stub_top_level().items():
        runtime = getattr(_snnc, name)
        if isinstance(node, ast.FunctionDef):
            check_parameters(name, runtime, getattr(STUB_MODULE, name))
            continue
        if not isinstance(node, ast.ClassDef) or issubclass(runtime,
                                                            BaseException):
            continue
        stub_cls = getattr(STUB_MODULE, name)
        for member, kind in stub_members(node).items():
            if kind in ("method", "staticmethod"):
                check_parameters(f"{name}.{member}",
                                 getattr(runtime, member),
                                 stub_callable(stub_cls, member))


def stub_functions():
    """(qualified name, function) of every def in the stub."""
    for name, node in vars(STUB_MODULE).items():
        if inspect.isfunction(node):
            yield name, node
        elif isinstance(node, type) and node.__module__ == STUB_MODULE.__name__:
            for member in vars(node):
                static = inspect.getattr_static(node, member)
                if isinstance(static, property):
                    for accessor in (static.fget, static.fset):
                        if accessor is not None:
                            yield f"{name}.{member}", accessor
                elif isinstance(static, (staticmethod, types.FunctionType)):
                    yield f"{name}.{member}", stub_callable(node, member)


def test_the_stub_is_fully_annotated_and_its_types_exist():
    checked = 0
    for where, function in stub_functions():
        assert_annotated(where, function)
        resolve_hints(where, function, vars(STUB_MODULE))
        checked += 1
    assert checked >= 20
    for name in vars(STUB_MODULE):
        value = getattr(STUB_MODULE, name)
        if isinstance(value, type) and value.__module__ == STUB_MODULE.__name__:
            resolve_hints(name, value, vars(STUB_MODULE))


def test_the_stub_and_marker_lie_next_to_the_built_extension():
    """Type checkers read the package where the build lays it out."""
    built = os.path.dirname(os.path.realpath(_snnc.__file__))
    for name in ("_snnc.pyi", "py.typed"):
        path = os.path.join(built, name)
        assert os.path.exists(path), f"{path} is missing: rerun cmake"
    with open(os.path.join(built, "_snnc.pyi"), encoding="utf-8") as f:
        with open(STUB, encoding="utf-8") as source:
            assert f.read() == source.read()
    assert os.path.exists(os.path.join(os.path.dirname(snnc_torch.__file__),
                                       "py.typed"))


@pytest.mark.skipif(importlib.util.find_spec("mypy") is None,
                    reason="mypy is not installed")
def test_mypy_accepts_the_stub():
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--ignore-missing-imports",
         "--no-error-summary", STUB], capture_output=True, text=True,
        check=False)
    assert result.returncode == 0, result.stdout + result.stderr


# ---------------------------------------------------------------------------
# The Python packages.
# ---------------------------------------------------------------------------

def assert_annotated(where, function):
    signature = inspect.signature(function)
    for parameter in list(signature.parameters.values()):
        if parameter.name in ("self", "cls"):
            continue
        assert parameter.annotation is not parameter.empty, (
            f"{where}: parameter {parameter.name} has no annotation")
    assert signature.return_annotation is not signature.empty, (
        f"{where}: no return annotation")


def resolve_hints(where, function, namespace):
    """Evaluates every annotation, as a type checker would resolve it."""
    try:
        typing.get_type_hints(function, namespace)
    except NameError as error:
        raise AssertionError(f"{where}: an annotation names nothing: "
                             f"{error}") from error


def hint_namespace(module):
    """The module's globals plus what its `if TYPE_CHECKING:` blocks import
    and name, which a type checker sees and the running module does not."""
    namespace = dict(vars(module))
    with open(module.__file__, encoding="utf-8") as f:
        tree = ast.parse(f.read())
    for node in tree.body:
        if isinstance(node, ast.If) and ast.unparse(node.test) == "TYPE_CHECKING":
            block = ast.Module(body=node.body, type_ignores=[])
            exec(compile(block, module.__file__, "exec"), namespace)  # noqa: S102
    return namespace


def public_methods(cls, package_names):
    """(name, function) of the public methods, properties and __init__ of
    a class, including those it inherits from a class of the package."""
    seen = set()
    for klass in cls.__mro__:
        if not klass.__module__.startswith(package_names):
            continue
        for name, value in vars(klass).items():
            if name in seen or (name.startswith("_") and name != "__init__"):
                continue
            seen.add(name)
            if isinstance(value, property):
                yield name, value.fget
            elif isinstance(value, (staticmethod, classmethod)):
                yield name, value.__func__
            elif inspect.isfunction(value):
                yield name, value


def package_functions():
    """(module, qualified name, function) of every public function of the
    packages' modules and every name in their __all__, with the methods of
    their public classes."""
    package_names = ("snnc", "snnc_torch")
    for module_name in PACKAGE_MODULES:
        module = importlib.import_module(module_name)
        names = {n for n in vars(module) if not n.startswith("_")}
        names |= set(getattr(module, "__all__", ()))
        for name in sorted(names):
            value = getattr(module, name)
            if getattr(value, "__module__", None) != module_name:
                continue  # imported, checked where it is defined
            if inspect.isfunction(value):
                yield module, f"{module_name}.{name}", value
            elif isinstance(value, type):
                for member, function in public_methods(value, package_names):
                    if function.__module__ == module_name:
                        yield module, f"{module_name}.{name}.{member}", function


def test_package_modules_do_not_evaluate_annotations():
    for module_name in PACKAGE_MODULES:
        module = importlib.import_module(module_name)
        assert vars(module).get("annotations") is __future__.annotations, (
            f"{module_name} lacks `from __future__ import annotations`")


def test_every_public_function_of_the_packages_is_annotated():
    checked = set()
    namespaces = {}
    for module, where, function in package_functions():
        assert_annotated(where, function)
        if module not in namespaces:
            namespaces[module] = hint_namespace(module)
        resolve_hints(where, function, namespaces[module])
        checked.add(where)
    for expected in ("snnc.compile", "snnc.Session.infer", "snnc._evaluate.eval",
                     "snnc._evaluate.EvalResult.accuracy", "snnc._sweep.sweep",
                     "snnc_torch.convert.from_snntorch", "snnc_torch.export.export",
                     "snnc_torch.layers.LIF.forward",
                     "snnc_torch.layers.TdBatchNorm2d.gain", "snnc_torch.layers.run"):
        assert expected in checked, expected


def test_every_exported_name_is_typed_somewhere():
    """What snnc re-exports from the extension is declared in the stub."""
    stub = stub_top_level()
    for name in snnc.__all__:
        value = getattr(snnc, name)
        if getattr(value, "__module__", None) == "snnc._snnc" or \
                type(value).__name__ == "builtin_function_or_method":
            assert value.__name__ in stub, name
    for name in snnc_torch.__all__:
        assert hasattr(snnc_torch, name), name
