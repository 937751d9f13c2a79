//===- _snnc.cpp - Python bindings of the snnc pipeline library -----------===//
//
// `snnc._snnc`: the same C++ library as the snnc CLI, on numpy arrays.  The
// Python package (python/snnc/__init__.py) builds its API on these few
// entry points.  Every llvm::Error becomes snnc.Error with the CLI's
// one-line message.  Compilation and inference release the GIL, so
// sessions in several threads run on several cores; a session (or float
// model) shared by threads runs one call at a time.
//
//===----------------------------------------------------------------------===//
#include "snnc/Pipeline/Compare.h"
#include "snnc/Pipeline/Compile.h"
#include "snnc/Pipeline/HtmlReport.h"
#include "snnc/Pipeline/Pipeline.h"
#include "snnc/Pipeline/Report.h"

#include "snnc/Frontend/OnnxImporter.h"
#include "snnc/IR/SNNDialect.h"
#include "snnc/Runtime/Dataset.h"
#include "snnc/Runtime/Errors.h"
#include "snnc/Runtime/Events.h"
#include "snnc/Runtime/FloatEngine.h"
#include "snnc/Runtime/Limits.h"
#include "snnc/Runtime/Package.h"
#include "snnc/Runtime/Session.h"
#include "snnc/Sim/RtlEngine.h"

#include "mlir/IR/MLIRContext.h"
#include "llvm/Support/FormatVariadic.h"
#include "llvm/Support/Path.h"

#include <pybind11/numpy.h>
#include <pybind11/pybind11.h>
#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <mutex>
#include <stdexcept>

namespace py = pybind11;
using namespace snnc;

namespace {

/// Raised as snnc.Error (a RuntimeError) with the error's message, or as
/// the subclass its class names (snnc.ModelError for "model", ...).
struct SnncError : std::runtime_error {
  explicit SnncError(const std::string &message, std::string errorClass = "")
      : std::runtime_error(message), errorClass(std::move(errorClass)) {}
  std::string errorClass;
};

[[noreturn]] void raise(llvm::Error err) {
  std::string kind = snnc::errorClass(err);
  throw SnncError(llvm::toString(std::move(err)), kind);
}

void check(llvm::Error err) {
  if (err)
    raise(std::move(err));
}

template <typename T> T unwrap(llvm::Expected<T> value) {
  if (!value)
    raise(value.takeError());
  return std::move(*value);
}

/// snnc.Error and its subclasses, one per class of snnc/Runtime/Errors.h.
void bindErrors(py::module_ &m) {
  struct ErrorTag {};
  static py::handle base =
      py::exception<ErrorTag>(m, "Error", PyExc_RuntimeError).release();
  static std::map<std::string, py::handle> subclasses;
  const std::pair<const char *, const char *> classes[] = {
      {"model", "ModelError"},
      {"package", "PackageError"},
      {"input", "InputError"},
      {"device", "DeviceError"},
      {"limit", "LimitError"}};
  for (auto [kind, name] : classes) {
    py::object type = py::reinterpret_steal<py::object>(PyErr_NewException(
        (std::string("snnc._snnc.") + name).c_str(), base.ptr(), nullptr));
    m.attr(name) = type;
    subclasses[kind] = type.release();
  }
  py::register_exception_translator([](std::exception_ptr thrown) {
    try {
      if (thrown)
        std::rethrow_exception(thrown);
    } catch (const SnncError &e) {
      auto found = subclasses.find(e.errorClass);
      py::handle type = found == subclasses.end() ? base : found->second;
      PyErr_SetString(type.ptr(), e.what());
    }
  });
}

/// A numpy array (any real dtype, any layout) as an NDArray of floats.
NDArray toNDArray(const py::array &array) {
  auto floats =
      py::array_t<float, py::array::c_style | py::array::forcecast>::ensure(
          array);
  if (!floats)
    throw SnncError("the input is not an array of numbers");
  NDArray out;
  out.shape.assign(floats.shape(), floats.shape() + floats.ndim());
  out.data.assign(floats.data(), floats.data() + floats.size());
  return out;
}

py::array_t<float> toNumpy(const NDArray &array) {
  py::array_t<float> out(
      std::vector<py::ssize_t>(array.shape.begin(), array.shape.end()));
  std::copy(array.data.begin(), array.data.end(), out.mutable_data());
  return out;
}

/// JSON from the library as Python objects (through the json module, so
/// integers stay integers).
py::object toPython(const llvm::json::Value &value) {
  std::string text = llvm::formatv("{0}", value).str();
  return py::module_::import("json").attr("loads")(text);
}

/// The options of `snnc compile`; dt, encoding and timesteps are those of
/// a NIR import (none: not given).
struct CompileArgs {
  static constexpr const char *kMadeBy = "snnc.compile_args()";
  std::string target = "sim";
  int64_t weightBits = 8;
  std::optional<int64_t> stateBits, timesteps;
  std::pair<double, double> inputRange{0.0, 1.0};
  std::optional<double> dt;
  std::optional<std::string> encoding;
};

/// A compiled network with the report of its compilation, where it came
/// from (a model or package file, or "" for an in-memory model) and the
/// options it was compiled with.  Compiled from a model, it also keeps the
/// model's float form: its HTML report compares float and golden without
/// reading the model file again, which may have changed since.
struct PyPackage {
  static constexpr const char *kMadeBy =
      "snnc.compile, snnc.Package.load or snnc.Package.from_bytes";
  CoreNetwork network;
  pipeline::CompileReport report;
  std::string memories;
  std::string source;
  std::string name = "package"; // the report's title
  CompileArgs args;
  std::optional<FloatGraph> floatGraph;
  std::string floatError; // why a model has no float form

  static PyPackage fromNetwork(CoreNetwork network) {
    PyPackage package;
    package.report =
        pipeline::buildReport(network, network.timesteps.value_or(1));
    package.network = std::move(network);
    return package;
  }
  pipeline::ReportSubject reportSubject() const {
    if (!floatError.empty())
      throw SnncError(floatError);
    return {name, network, memories, floatGraph};
  }
  std::string summary() const {
    std::string text;
    llvm::raw_string_ostream os(text);
    pipeline::printReport(report, os);
    os << memories;
    return text;
  }
};

/// A number as the command line would have spelled it.
std::string number(double value) {
  char text[32];
  std::snprintf(text, sizeof(text), "%g", value);
  return text;
}

/// The checks snnc's driver (tools/snnc) makes of these options, with its
/// messages: --dt and --encoding only for NIR models, --input-range finite
/// with MIN < MAX, --timesteps a step count.  The compiler itself would
/// ignore the NIR options of an ONNX model, or fail later and less clearly.
void checkCompileArgs(const CompileArgs &args, llvm::StringRef path) {
  bool nir = path.endswith(".nir");
  if ((args.dt || args.encoding) && !nir)
    throw SnncError("--dt and --encoding apply to NIR models (.nir) only; an "
                    "ONNX model states its encoding in its metadata");
  auto [lo, hi] = args.inputRange;
  if (!(lo < hi && std::isfinite(lo) && std::isfinite(hi)))
    throw SnncError("--input-range must be MIN,MAX with MIN < MAX, got '" +
                    number(lo) + "," + number(hi) + "'");
  if (!args.timesteps)
    return;
  if (!nir)
    throw SnncError("timesteps applies to NIR models (.nir) only when "
                    "compiling; an ONNX model states its time steps in its "
                    "metadata (give timesteps to Session.infer instead)");
  if (*args.timesteps < 1 || *args.timesteps > kMaxTimesteps)
    throw SnncError(llvm::formatv("--timesteps must be in [1, {0}], got {1}",
                                  kMaxTimesteps, *args.timesteps));
}

/// The compiler's options for the model at `path`, checked as the CLI
/// checks them.
pipeline::CompileOptions compileOptions(const CompileArgs &args,
                                        llvm::StringRef path) {
  checkCompileArgs(args, path);
  pipeline::CompileOptions options;
  options.target = pipeline::canonicalTarget(args.target);
  options.weightBits = args.weightBits;
  options.stateBits =
      args.stateBits.value_or(pipeline::defaultStateBits(options.target));
  options.inputMin = args.inputRange.first;
  options.inputMax = args.inputRange.second;
  options.nir.dt = args.dt;
  options.nir.encoding = args.encoding.value_or("direct");
  options.nir.timesteps = args.timesteps;
  return options;
}

/// A model from a file, or ONNX bytes (an onnx.ModelProto serialized by
/// the Python side) named `name` in messages.
llvm::Expected<mlir::OwningOpRef<mlir::ModuleOp>>
loadSource(const std::string &path, const std::optional<std::string> &bytes,
           mlir::MLIRContext &context, const pipeline::CompileOptions &opts) {
  if (bytes)
    return importOnnxBuffer(*bytes, /*textual=*/false, path, context);
  return pipeline::loadModel(path, context, opts.nir);
}

PyPackage compile(const std::string &path, std::optional<py::bytes> onnx,
                  const CompileArgs &args, std::optional<py::array> calibrate) {
  std::optional<std::string> bytes;
  if (onnx)
    bytes = std::string(*onnx);
  std::optional<NDArray> calibration;
  if (calibrate)
    calibration = toNDArray(*calibrate);
  pipeline::CompileOptions options = compileOptions(args, path);
  py::gil_scoped_release released;
  mlir::MLIRContext context;
  auto module = unwrap(loadSource(path, bytes, context, options));
  PyPackage package;
  // The float form first: compiling rewrites the module in place.
  if (auto graph = pipeline::lowerForFloat(*module))
    package.floatGraph = std::move(*graph);
  else
    package.floatError =
        llvm::toString(pipeline::inFile(path, graph.takeError()));
  auto compiled = unwrap(pipeline::compilePackage(
      *module, path, options, calibration ? &*calibration : nullptr));
  package.network = std::move(compiled.network);
  package.report = std::move(compiled.report);
  package.memories = std::move(compiled.memories);
  package.source = bytes ? "" : path;
  package.name = llvm::sys::path::filename(path).str();
  package.args = args;
  return package;
}

/// The input-range check of Session.infer and eval (the CLI's, in the
/// same words): a warning at the caller of the snnc function, or with
/// `strict` snnc.InputError.  `warned` (a session's, read and set under
/// the GIL): once it has warned, it only counts for `strict`, so a loop
/// over batches warns once, as one `snnc run` does.
void checkInputValues(const std::optional<InputRange> &range,
                      const NDArray &input, bool strict, bool &warned) {
  if (!range || (warned && !strict))
    return;
  OutOfRange counted = countOutOfRange(input, *range);
  if (counted.outside == 0)
    return;
  std::string what = "input: " + counted.message();
  if (strict)
    throw SnncError(what + " (strict_input=True)", "input");
  warned = true;
  // Level 2: the frame that called the snnc wrapper, not the wrapper.
  if (PyErr_WarnEx(PyExc_UserWarning, what.c_str(), 2) < 0)
    throw py::error_already_set(); // warnings turned into errors
}

/// A device by Device::parse's grammar: "golden", "rtl" or
/// "board:/dev/ttyUSB1[@BAUD]".
Device deviceNamed(const std::string &name, int64_t lanes, int64_t baud) {
  sim::registerRtlDevice();
  DeviceOptions options;
  options.lanes = lanes;
  options.link.baud = baud;
  return unwrap(Device::parse(name, options));
}

/// snnc run's check of a count option (--threads, --baud), with its
/// message.
void checkRange(llvm::StringRef option, int64_t value, int64_t lo, int64_t hi) {
  if (value < lo || value > hi)
    throw SnncError(llvm::formatv("{0} must be in [{1}, {2}], got {3}", option,
                                  lo, hi, value));
}

/// A package on a device.  Calls from several threads take turns: the
/// engine, its stats and its spike trace are one thread's at a time.
class PySession {
public:
  static constexpr const char *kMadeBy = "snnc.Session(package)";
  PySession(const PyPackage &package, const std::string &device, int64_t lanes,
            int64_t baud, bool recordSpikes, int64_t threads)
      : session(open(package, device, lanes, baud, threads)) {
    session.setThreads(threads);
    if (recordSpikes)
      check(session.recordSpikes(true));
  }

  /// `checkRange` false: the caller (eval) checked the whole input once.
  py::array_t<float> infer(const py::array &x, std::optional<int64_t> timesteps,
                           bool strictInput, bool checkRange) {
    NDArray input = toNDArray(x);
    if (checkRange)
      checkInputValues(session.inputRange(), input, strictInput, warned);
    NDArray output;
    {
      // The GIL is let go before the turn is waited for: a thread that
      // holds the session never needs the GIL, so the two cannot deadlock.
      py::gil_scoped_release released;
      std::lock_guard<std::mutex> turn(busy);
      output = unwrap(session.infer(input, timesteps));
    }
    return toNumpy(output);
  }

  py::object stats() {
    llvm::json::Value stats = nullptr;
    {
      py::gil_scoped_release released;
      std::lock_guard<std::mutex> turn(busy);
      stats = session.stats();
    }
    return toPython(stats);
  }

  /// [S, 6] int32: sample, step, population, channel, row, column.
  py::array_t<int32_t> spikes() {
    std::vector<SpikeRecord> trace;
    {
      py::gil_scoped_release released;
      std::lock_guard<std::mutex> turn(busy);
      trace = session.spikes();
    }
    py::array_t<int32_t> out(
        std::vector<py::ssize_t>{py::ssize_t(trace.size()), 6});
    int32_t *row = out.mutable_data();
    for (const SpikeRecord &s : trace) {
      int32_t values[6] = {s.sample, s.step, s.population, s.c, s.y, s.x};
      row = std::copy(values, values + 6, row);
    }
    return out;
  }

  Session session;

private:
  static Session open(const PyPackage &package, const std::string &device,
                      int64_t lanes, int64_t baud, int64_t threads) {
    checkRange("--threads", threads, 1, 1024);
    checkRange("--baud", baud, kMinBaud, kMaxBaud);
    return unwrap(
        Session::create(package.network, deviceNamed(device, lanes, baud)));
  }

  std::mutex busy;
  bool warned = false; // about the input range
};

/// The float reference (LibTorch) of a model file; calls from several
/// threads take turns, as a session's do.
class PyFloatModel {
public:
  static constexpr const char *kMadeBy = "snnc.FloatModel(path)";
  PyFloatModel(const std::string &path, const CompileArgs &args,
               bool recordSpikes) {
    mlir::MLIRContext context;
    FloatGraph graph = unwrap(
        pipeline::loadFloatGraph(path, context, compileOptions(args, path)));
    FloatSpikeObserver record;
    if (recordSpikes)
      record = [this](const FloatOp &op, int64_t, int64_t steps,
                      int64_t samples, const float *spikes) {
        // Chunks of samples, each step-major: kept as [T, n, E] per chunk
        // and joined along the samples by spikes().
        chunks[op.name].push_back(
            {std::vector<float>(spikes,
                                spikes + steps * samples * op.resultElements),
             steps, samples, op.resultElements});
      };
    std::unique_ptr<Engine> engine = createFloatEngine(graph, record);
    session.emplace(
        Session::attach(std::move(engine), std::move(graph), "float"));
    session->setInputRange(
        InputRange{args.inputRange.first, args.inputRange.second});
  }

  /// Per LIF layer: its spikes as [T, N, E] (E: neurons per sample).
  py::dict spikes() {
    std::map<std::string, std::vector<Chunk>> recorded;
    {
      py::gil_scoped_release released;
      std::lock_guard<std::mutex> turn(busy);
      recorded = chunks;
    }
    py::dict out;
    for (const auto &[name, parts] : recorded) {
      std::vector<py::object> arrays;
      for (const Chunk &c : parts) {
        py::array_t<float> a(std::vector<py::ssize_t>{py::ssize_t(c.steps),
                                                      py::ssize_t(c.samples),
                                                      py::ssize_t(c.elements)});
        std::copy(c.data.begin(), c.data.end(), a.mutable_data());
        arrays.push_back(a);
      }
      out[py::str(name)] =
          py::module_::import("numpy").attr("concatenate")(arrays, 1);
    }
    return out;
  }
  py::array_t<float> infer(const py::array &x, std::optional<int64_t> timesteps,
                           bool strictInput) {
    NDArray input = toNDArray(x);
    checkInputValues(session->inputRange(), input, strictInput, warned);
    NDArray output;
    {
      py::gil_scoped_release released;
      std::lock_guard<std::mutex> turn(busy);
      output = unwrap(session->infer(input, timesteps));
    }
    return toNumpy(output);
  }
  std::optional<Session> session;

private:
  struct Chunk {
    std::vector<float> data;
    int64_t steps, samples, elements;
  };
  std::map<std::string, std::vector<Chunk>> chunks;
  std::mutex busy;
  bool warned = false; // about the input range
};

/// How a Python user makes each bound class: the error of an instance
/// made without its constructor says it.
template <typename T> constexpr const char *kMadeBy = T::kMadeBy;
template <>
constexpr const char *kMadeBy<pipeline::HtmlReportOptions> =
    "snnc._snnc.HtmlReportOptions()";

/// pybind11's caster of a bound class, refusing an instance that
/// `T.__new__(T)` made without running a constructor.  pybind11 would hand
/// the binding freshly allocated, unconstructed memory for it, and the
/// first use would crash.
template <typename T>
struct InitialisedCaster : py::detail::type_caster_base<T> {
  bool load(py::handle src, bool convert) {
    if (py::isinstance<T>(src) && !constructed(src))
      throw SnncError(std::string(Py_TYPE(src.ptr())->tp_name) +
                      " object is not initialised (made by __new__ without "
                      "a constructor); make one with " +
                      kMadeBy<T>);
    return py::detail::type_caster_base<T>::load(src, convert);
  }

private:
  static bool constructed(py::handle src) {
    auto *instance = reinterpret_cast<py::detail::instance *>(src.ptr());
    return instance->get_value_and_holder(py::detail::get_type_info(typeid(T)))
        .holder_constructed();
  }
};

} // namespace

namespace pybind11::detail {
template <> struct type_caster<CompileArgs> : InitialisedCaster<CompileArgs> {};
template <> struct type_caster<PyPackage> : InitialisedCaster<PyPackage> {};
template <> struct type_caster<PySession> : InitialisedCaster<PySession> {};
template <>
struct type_caster<PyFloatModel> : InitialisedCaster<PyFloatModel> {};
template <>
struct type_caster<pipeline::HtmlReportOptions>
    : InitialisedCaster<pipeline::HtmlReportOptions> {};
} // namespace pybind11::detail

namespace {

void bindCompileArgs(py::module_ &m) {
  py::class_<CompileArgs>(m, "CompileArgs")
      .def(py::init<>())
      .def_readwrite("target", &CompileArgs::target)
      .def_readwrite("weight_bits", &CompileArgs::weightBits)
      .def_readwrite("state_bits", &CompileArgs::stateBits)
      .def_readwrite("timesteps", &CompileArgs::timesteps)
      .def_readwrite("input_range", &CompileArgs::inputRange)
      .def_readwrite("dt", &CompileArgs::dt)
      .def_readwrite("encoding", &CompileArgs::encoding);
}

void bindPackage(py::module_ &m) {
  py::class_<PyPackage>(m, "Package")
      .def_static(
          "load",
          [](const std::filesystem::path &path) {
            PyPackage package =
                PyPackage::fromNetwork(unwrap(readPackage(path.string())));
            package.source = path.string();
            package.name = path.filename().string();
            return package;
          },
          py::arg("path"))
      .def_static(
          "from_bytes",
          [](const py::bytes &bytes) {
            return PyPackage::fromNetwork(
                unwrap(decodePackage(std::string(bytes))));
          },
          py::arg("data"))
      .def(
          "save",
          [](const PyPackage &p, const std::filesystem::path &path) {
            check(writePackage(path.string(), p.network));
          },
          py::arg("path"))
      .def(
          "_report_html",
          [](const PyPackage &p, const py::array &x, const std::string &output,
             const pipeline::HtmlReportOptions &options) {
            NDArray input = toNDArray(x);
            pipeline::ReportSubject subject = p.reportSubject();
            py::gil_scoped_release released;
            check(pipeline::writeHtmlReport(std::move(subject), input, options,
                                            output));
          },
          py::arg("x"), py::arg("output"), py::arg("options"))
      .def("to_bytes",
           [](const PyPackage &p) {
             return py::bytes(encodePackage(p.network));
           })
      .def("report",
           [](const PyPackage &p) {
             return toPython(pipeline::reportToJson(p.report));
           })
      .def("summary", &PyPackage::summary)
      .def_readonly("source", &PyPackage::source)
      .def_readonly("args", &PyPackage::args)
      // Pickled as package bytes: dask ships packages to its workers.
      .def(py::pickle(
          [](const PyPackage &p) {
            return py::make_tuple(py::bytes(encodePackage(p.network)));
          },
          [](const py::tuple &state) {
            return PyPackage::fromNetwork(
                unwrap(decodePackage(std::string(state[0].cast<py::bytes>()))));
          }))
      .def("layers",
           [](const PyPackage &p) {
             py::list out;
             for (const CorePopulation &pop : p.network.populations)
               out.append(
                   py::dict(py::arg("name") = pop.name,
                            py::arg("kind") =
                                &pop == &p.network.populations.front() ? "input"
                                : pop.kind == PopulationKind::LIF      ? "lif"
                                                                  : "readout",
                            py::arg("shape") = pop.shape));
             return out;
           })
      .def_property_readonly(
          "timesteps", [](const PyPackage &p) { return p.network.timesteps; })
      .def_property_readonly("input_shape",
                             [](const PyPackage &p) {
                               return p.network.populations.front().shape;
                             })
      .def_property_readonly("events_input",
                             [](const PyPackage &p) {
                               return p.network.encoding ==
                                      InputEncoding::Events;
                             })
      .def_property_readonly("input_range",
                             [](const PyPackage &p) -> py::object {
                               if (!p.network.input.range)
                                 return py::none();
                               auto [lo, hi] = *p.network.input.range;
                               return py::make_tuple(lo, hi);
                             })
      .def(
          "_check_input_range",
          [](const PyPackage &p, const py::array &x, bool strict) {
            bool warned = false; // each eval warns
            checkInputValues(p.network.input.range, toNDArray(x), strict,
                             warned);
          },
          py::arg("x"), py::arg("strict"))
      .def_property_readonly("num_outputs", [](const PyPackage &p) {
        return p.network.populations[p.network.readout].channels();
      });
}

void bindSession(py::module_ &m) {
  py::class_<PySession>(m, "Session")
      .def(py::init<const PyPackage &, const std::string &, int64_t, int64_t,
                    bool, int64_t>(),
           py::arg("package"), py::arg("device") = "golden",
           py::arg("lanes") = 0, py::arg("baud") = 3000000,
           py::arg("record_spikes") = false, py::arg("threads") = 1)
      .def("infer", &PySession::infer, py::arg("x"),
           py::arg("timesteps") = py::none(), py::arg("strict_input") = false,
           py::arg("check_range") = true)
      .def("stats", &PySession::stats)
      .def("spikes", &PySession::spikes)
      .def_property_readonly(
          "device", [](const PySession &s) { return s.session.deviceName(); });
  py::class_<PyFloatModel>(m, "FloatModel")
      .def(py::init<const std::string &, const CompileArgs &, bool>(),
           py::arg("path"), py::arg("args") = CompileArgs(),
           py::arg("record_spikes") = false)
      .def("infer", &PyFloatModel::infer, py::arg("x"),
           py::arg("timesteps") = py::none(), py::arg("strict_input") = false)
      .def("spikes", &PyFloatModel::spikes);
}

void bindAnalysis(py::module_ &m) {
  m.def(
      "compare",
      [](const std::string &path, const py::array &x, const CompileArgs &args,
         std::optional<int64_t> timesteps, double threshold) {
        // snnc compare's check: a NaN threshold would make every layer
        // "agree" and write NaN into the JSON.
        if (!(threshold >= 0.0 && threshold <= 1.0))
          throw SnncError("compare: --threshold must be in [0, 1]");
        pipeline::CompileOptions compile = compileOptions(args, path);
        NDArray input = toNDArray(x);
        pipeline::CompareOptions options;
        options.threshold = threshold;
        options.timesteps = timesteps;
        llvm::json::Value result = nullptr;
        {
          py::gil_scoped_release released;
          auto compared =
              unwrap(pipeline::compareModel(path, input, compile, options));
          result = pipeline::comparisonToJson(compared);
        }
        return toPython(result);
      },
      py::arg("path"), py::arg("x"), py::arg("args") = CompileArgs(),
      py::arg("timesteps") = py::none(), py::arg("threshold") = 0.95);
  m.def(
      "report_html",
      [](const std::string &path, const py::array &x, const CompileArgs &args,
         const std::string &output, const pipeline::HtmlReportOptions &opts) {
        pipeline::CompileOptions compile = compileOptions(args, path);
        NDArray input = toNDArray(x);
        py::gil_scoped_release released;
        check(pipeline::writeHtmlReport(path, input, compile, opts, output));
      },
      py::arg("path"), py::arg("x"), py::arg("args"), py::arg("output"),
      py::arg("options"));
  py::class_<pipeline::HtmlReportOptions>(m, "HtmlReportOptions")
      .def(py::init<>())
      .def_readwrite("lanes", &pipeline::HtmlReportOptions::lanes)
      .def_readwrite("simulate", &pipeline::HtmlReportOptions::simulate)
      .def_readwrite("raster_sample",
                     &pipeline::HtmlReportOptions::rasterSample)
      .def_readwrite("raster_layers",
                     &pipeline::HtmlReportOptions::rasterLayers)
      .def_readwrite("bitstream_report",
                     &pipeline::HtmlReportOptions::bitstreamReport)
      .def_readwrite("labels", &pipeline::HtmlReportOptions::labels)
      .def_readwrite("board", &pipeline::HtmlReportOptions::board)
      .def_readwrite("raster_neurons",
                     &pipeline::HtmlReportOptions::rasterNeurons);
  m.def(
      "parse_raster_neurons",
      [](const std::string &text) {
        return unwrap(pipeline::parseRasterNeurons(text));
      },
      py::arg("text"));
}

//===----------------------------------------------------------------------===//
// Event files and their frames (snnc/Runtime/Events.h), for
// python/snnc/events.py: events cross as four int64 columns.
//===----------------------------------------------------------------------===//
py::array_t<int64_t> toNumpyColumn(const std::vector<int64_t> &column) {
  py::array_t<int64_t> out(py::ssize_t(column.size()));
  std::copy(column.begin(), column.end(), out.mutable_data());
  return out;
}

std::vector<int64_t> fromNumpyColumn(const py::array &column,
                                     const char *name) {
  auto ints =
      py::array_t<int64_t, py::array::c_style | py::array::forcecast>::ensure(
          column);
  if (!ints || ints.ndim() != 1)
    throw SnncError(std::string("to_frames: events field '") + name +
                        "' is not a 1-D array of integers",
                    "input");
  return std::vector<int64_t>(ints.data(), ints.data() + ints.size());
}

void bindEvents(py::module_ &m) {
  m.def(
      "read_events",
      [](const std::string &path, const std::string &format) {
        EventFormat kind = unwrap(parseEventFormat(format));
        EventRecording rec;
        {
          py::gil_scoped_release released;
          rec = unwrap(readEvents(path, kind));
        }
        py::object sensor = py::none();
        if (rec.sensor.known())
          sensor = py::make_tuple(rec.sensor.width, rec.sensor.height,
                                  rec.sensor.polarities);
        return py::make_tuple(toNumpyColumn(rec.events.x),
                              toNumpyColumn(rec.events.y),
                              toNumpyColumn(rec.events.t),
                              toNumpyColumn(rec.events.p), sensor, rec.format);
      },
      py::arg("path"), py::arg("format") = "auto");
  m.def(
      "to_frames",
      [](const py::array &x, const py::array &y, const py::array &t,
         const py::array &p, std::optional<std::vector<int64_t>> sensor,
         std::optional<double> timeWindow, std::optional<int64_t> eventCount,
         std::optional<int64_t> nTimeBins, std::optional<int64_t> nEventBins,
         double overlap, bool includeIncomplete,
         std::optional<double> startTime, std::optional<double> endTime) {
        EventArray events{fromNumpyColumn(x, "x"), fromNumpyColumn(y, "y"),
                          fromNumpyColumn(t, "t"), fromNumpyColumn(p, "p")};
        size_t n = events.t.size();
        if (events.x.size() != n || events.y.size() != n ||
            events.p.size() != n)
          throw SnncError("to_frames: fields x, y, t, p differ in length",
                          "input");
        FrameOptions options;
        if (sensor) {
          if (sensor->size() != 3)
            throw SnncError("to_frames: sensor_size must be (width, height, "
                            "polarities)",
                            "input");
          options.sensorSize = {(*sensor)[0], (*sensor)[1], (*sensor)[2]};
          if (!options.sensorSize.known())
            throw SnncError("to_frames: sensor_size must be positive", "input");
        }
        options.timeWindow = timeWindow;
        options.eventCount = eventCount;
        options.nTimeBins = nTimeBins;
        options.nEventBins = nEventBins;
        options.overlap = overlap;
        options.includeIncomplete = includeIncomplete;
        options.startTime = startTime;
        options.endTime = endTime;
        NDArray frames;
        {
          py::gil_scoped_release released;
          frames = unwrap(toFrames(events, options));
        }
        return toNumpy(frames);
      },
      py::arg("x"), py::arg("y"), py::arg("t"), py::arg("p"),
      py::arg("sensor_size") = py::none(), py::arg("time_window") = py::none(),
      py::arg("event_count") = py::none(), py::arg("n_time_bins") = py::none(),
      py::arg("n_event_bins") = py::none(), py::arg("overlap") = 0.0,
      py::arg("include_incomplete") = false, py::arg("start_time") = py::none(),
      py::arg("end_time") = py::none());
}

} // namespace

PYBIND11_MODULE(_snnc, m) {
  m.doc() = "snnc's C++ pipeline library (see the snnc package)";
  bindErrors(m);
  bindCompileArgs(m);
  bindPackage(m);
  bindSession(m);
  bindAnalysis(m);
  bindEvents(m);
  m.def(
      "load_images",
      [](const std::string &path) { return toNumpy(unwrap(loadImages(path))); },
      py::arg("path"));
  m.def(
      "load_labels",
      [](const std::string &path) {
        std::vector<int64_t> labels = unwrap(loadLabels(path));
        py::array_t<int64_t> out(py::ssize_t(labels.size()));
        std::copy(labels.begin(), labels.end(), out.mutable_data());
        return out;
      },
      py::arg("path"));
  m.def("compile", &compile, py::arg("path"), py::arg("onnx") = py::none(),
        py::arg("args") = CompileArgs(), py::arg("calibrate") = py::none());
}
