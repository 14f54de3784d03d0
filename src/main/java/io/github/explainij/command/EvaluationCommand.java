package io.github.explainij.command;

import ij.ImagePlus;

import io.github.explainij.ExplainException;
import io.github.explainij.image.ImagePlusAdapter;
import io.github.explainij.method.Attribution;
import io.github.explainij.method.AttributionMethod;
import io.github.explainij.method.ExplainRequest;
import io.github.explainij.method.Progress;
import io.github.explainij.model.Network;
import io.github.explainij.target.Region;
import io.github.explainij.target.ScoreKind;
import io.github.explainij.target.TargetSpec;

import org.scijava.command.CommandInfo;
import org.scijava.command.CommandService;
import org.scijava.module.ModuleItem;
import org.scijava.plugin.Parameter;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An evaluation of explanations (menu {@code Evaluate}): it takes ANY attribution method by its command
 * line name ({@code method=grad-cam}) with that method's own parameters ({@code method_parameters=[layer=relu3]},
 * on the command line also {@code --param method.layer=relu3}), and the score it explains. The two method
 * fields live here, once, for every evaluation command.
 * <p>
 * Commands that compare several methods also take {@code methods}, a comma-separated list (empty: the one
 * {@code method}); there a parameter may name its method, {@code grad-cam.layer=relu3}, and a plain one
 * goes to every listed method that has it.
 */
public abstract class EvaluationCommand extends AnalysisCommand {

	public static final String METHOD = "method";
	public static final String METHOD_PARAMETERS = "method_parameters";
	public static final String METHODS = "methods";

	@Parameter(label = "Attribution method", description = "The attribution method evaluated, by its command-line name: saliency, " +
		"grad-cam, integrated-gradients, occlusion, lrp, ... (java -jar explain-ij.jar list shows them all).")
	protected String method = Options.BASE_SALIENCY;

	@Parameter(label = "Method parameters", required = false, description = "The method's own parameters as key=value pairs, " +
		"e.g. 'layer=relu3' for grad-cam or 'steps=16' for integrated-gradients; empty: the method's defaults. With several methods " +
		"a parameter may name its method: 'grad-cam.layer=relu3'.")
	protected String method_parameters = "";

	@Parameter(label = "Score", choices = { Options.SCORE_LOGIT, Options.SCORE_PROBABILITY }, description = Options.SCORE_DESCRIPTION)
	protected String score = Options.SCORE_LOGIT;

	/** An attribution method built with its parameters, and the name it was chosen by. */
	public static final class NamedMethod {

		public final String name;
		public final AttributionMethod method;

		NamedMethod(final String name, final AttributionMethod method) {
			this.name = name;
			this.method = method;
		}
	}

	/** The method of {@link #method} with {@link #method_parameters}. */
	protected NamedMethod chosenMethod(final ImagePlus image) {
		return chosenMethods("", image).get(0);
	}

	/**
	 * The methods of a comma-separated list (empty: {@link #method}), each with its parameters from
	 * {@link #method_parameters}.
	 *
	 * @param image the image explained (for parameters in calibrated units), or null
	 */
	protected List<NamedMethod> chosenMethods(final String list, final ImagePlus image) {
		return methods(context(), list == null || list.isBlank() ? method : list, method_parameters, image);
	}

	/**
	 * The methods of a comma-separated list, each with its parameters from {@code parameters}
	 * ("key=value" for every listed method that has the key, "name.key=value" for one), for every command
	 * that takes several attribution methods by name (compare, deletion, ROAR).
	 *
	 * @param image the image explained (for parameters in calibrated units), or null
	 */
	public static List<NamedMethod> methods(final org.scijava.Context context, final String list, final String parameters,
		final ImagePlus image)
	{
		final List<String> names = new ArrayList<>();
		for (final String n : (list == null ? "" : list).split(",")) {
			if (!n.isBlank() && !names.contains(n.trim())) names.add(n.trim());
		}
		if (names.isEmpty()) throw new ExplainException("no attribution method given: name one, e.g. method=saliency");
		final Map<String, String> all = ExplainCommands.parseParameters(parameters, METHOD_PARAMETERS);
		final Map<String, Map<String, String>> byMethod = new LinkedHashMap<>();
		for (final String n : names) byMethod.put(n, new LinkedHashMap<>());
		final CommandService commands = context.service(CommandService.class);
		for (final Map.Entry<String, String> p : all.entrySet()) {
			final String key = p.getKey();
			final int dot = key.lastIndexOf('.');
			if (dot > 0 && byMethod.containsKey(key.substring(0, dot))) {
				byMethod.get(key.substring(0, dot)).put(key.substring(dot + 1), p.getValue());
				continue;
			}
			if (names.size() == 1) {
				byMethod.get(names.get(0)).put(key, p.getValue()); // an unknown key is refused by name below
				continue;
			}
			boolean used = false;
			for (final String n : names) {
				final CommandInfo info = ExplainCommands.byName(commands, n);
				if (info != null && ExplainCommands.userInputs(info).stream().map(ModuleItem::getName).anyMatch(key::equals)) {
					byMethod.get(n).put(key, p.getValue());
					used = true;
				}
			}
			if (!used) throw new ExplainException("method parameter '" + key + "' belongs to none of the methods " + names);
		}
		final List<NamedMethod> out = new ArrayList<>();
		for (final String n : names) out.add(new NamedMethod(n, ExplainCommands.method(context, n, byMethod.get(n), image)));
		return out;
	}

	/** The question asked about one image: its target class, this command's score, its {@link #region}. */
	protected ExplainRequest request(final Network network, final float[][] planes, final int width, final int height,
		final String target, final Progress progress)
	{
		return new ExplainRequest(network, ImagePlusAdapter.fromPlanes(planes, width, height), TargetSpec.parse(target),
			ScoreKind.parse(score), region(width, height), progress);
	}

	/** Where a segmentation model's dense output is read: the whole image (mean) unless a command says otherwise. */
	protected Region region(final int width, final int height) {
		return Region.whole(Region.Reduce.MEAN);
	}

	/**
	 * The method's map for the request, row-major [H * W]; refuses a map per channel or per slice (an
	 * evaluation needs one map per image).
	 */
	protected static float[] map(final NamedMethod m, final ExplainRequest request) {
		final Attribution a = m.method.explain(request);
		if (a.map().numDimensions() != 2) {
			throw new ExplainException(m.name + " gives " + a.map().dimension(2) + " maps for this image (one per channel or slice): " +
				"an evaluation needs one map per image; switch off per_channel in method_parameters");
		}
		return ImagePlusAdapter.toChw(a.map());
	}
}
