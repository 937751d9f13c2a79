//===- ReportSections.h - sections of the HTML report -----------*- C++ -*-===//
//
// Sections of `snnc report` that stand on their own data (HtmlReport.cpp
// gathers it): how accurate the network is on labelled inputs.
//
//===----------------------------------------------------------------------===//
#ifndef SNNC_PIPELINE_REPORTSECTIONS_H
#define SNNC_PIPELINE_REPORTSECTIONS_H

#include "snnc/Runtime/NDArray.h"

#include "llvm/ADT/ArrayRef.h"
#include "llvm/Support/Error.h"

#include <string>

namespace snnc::pipeline {

/// Checks labels against the inputs' samples and the readout's classes:
/// one label per sample, each a class of the model.
llvm::Error checkReportLabels(llvm::ArrayRef<int64_t> labels, int64_t samples,
                              int64_t classes);

/// Accuracy (golden, and float where `floatScores` is given), a confusion
/// matrix, per-class accuracy and the most confused pairs, from [N, K]
/// scores and N labels.
std::string accuracySection(const NDArray &goldenScores,
                            const NDArray *floatScores,
                            llvm::ArrayRef<int64_t> labels);

/// "84.25% (337 / 400)": the summary card's accuracy.
std::string accuracyCard(const NDArray &scores, llvm::ArrayRef<int64_t> labels);

} // namespace snnc::pipeline

#endif // SNNC_PIPELINE_REPORTSECTIONS_H
