/**
 * `@hsr/io`: everything that touches files. The model (JSON or PyTorch safetensors), data and shard-partial file formats (strict parsing,
 * one-line errors naming the file and the place), atomic writes, and every data set that is
 * loaded rather than generated: Iris, the committed real data sets, MNIST, and a user's file.
 * The mathematics, including the seeded synthetic generators, is `@hsr/numeric`'s.
 */
export type { InputLocation } from './errors.ts';
export { InputError, formatLocation } from './errors.ts';
export { MAX_JSON_DEPTH, parseJsonText } from './json.ts';
export { MAX_CSV_FIELD_LENGTH } from './csv.ts';
export { MAX_INPUT_BYTES, readText } from './textFile.ts';
export { MAX_LABEL } from './schemas.ts';
export { writeFileAtomic } from './atomicWrite.ts';
export type { OutputFolderOptions } from './outputFolder.ts';
export { checkOutputFolderPath, OutputFolder } from './outputFolder.ts';
export type { ModelNotes } from './modelFile.ts';
export { formatModelJson, parseModelJson, readModelFile, writeModelFile } from './modelFile.ts';
export type { SafetensorsDocument, SafetensorsDtype, Tensor, TensorToWrite } from './safetensors.ts';
export { formatSafetensors, parseSafetensors, readSafetensorsFile, writeSafetensorsFile } from './safetensors.ts';
export type { ModelReadOptions, ModelSource } from './modelSource.ts';
export { modelFromSafetensors, modelToSafetensors, readModel, writeModelSafetensors } from './modelSource.ts';
export type { PartialDocument } from './partialFile.ts';
export { formatPartial, parsePartialJson, readPartialFile, writePartialFile } from './partialFile.ts';
export type { DataDocument, DataFileOptions, DataFormat } from './dataFile.ts';
export { checkDataRange, checkModelData, checkOutputsFinite, parseDataCsv, parseDataJson, parseDataText, readDataDocument, readDataFile } from './dataFile.ts';
export type { DatasetName, DatasetOptions } from './datasets/loadDataset.ts';
export { DATASET_NAMES, isDatasetName, loadDataFileAsNamed, loadDataset } from './datasets/loadDataset.ts';
export { IRIS_FEATURE_NAMES, loadIris } from './datasets/iris.ts';
export type { RealDatasetName } from './datasets/realData.ts';
export { REAL_DATASET_SHAPES, loadBreastCancer, loadDigits, loadRealDataset, loadWine, realDatasetPath } from './datasets/realData.ts';
export type { MnistOptions } from './datasets/mnist.ts';
export { MNIST_CLASSES, MNIST_DEFAULT_SAMPLES, MNIST_FEATURES, MNIST_MAX_SAMPLES, loadMnist } from './datasets/mnist.ts';
export { formatLayeredModelJson, parseLayeredModelJson, readLayeredModel, writeLayeredModelFile } from './layeredModelFile.ts';
